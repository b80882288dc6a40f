"""`kb upgrade`: what this release's bundled knowledge base would change in the live directory, and
installing it (with --yes) through the same path as an upload: validated with the other files
first, audited, kept in the version history (so `kb rollback` and /rollback undo it), reloaded.

Files an administrator changed stay theirs; a file that both they and the release changed is
listed, and replaced only when named with --take-bundled.
"""

from __future__ import annotations

import argparse
import sys

from bot.admin.bundled import FileStep, content_version, file_versions, plan, record
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.knowledge_service import ReloadOutcome
from bot.admin.reports import outcome_text
from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.i18n import Translator, _
from bot.knowledge.diff import diff
from bot.knowledge.installer import with_changes
from bot.knowledge.loader import Source


def add_command(kb_commands: argparse._SubParsersAction) -> None:
    upgrade = kb_commands.add_parser("upgrade", help="show what this release's bundled knowledge base would change; "
                                                     "--yes installs it")
    upgrade.add_argument("--yes", action="store_true", help="install it (validated first; kb rollback undoes it)")
    upgrade.add_argument("--take-bundled", action="append", default=[], metavar="FILE",
                         help="also replace this file, which an administrator changed, by the bundled one")


def step_line(step: FileStep, t: Translator) -> str | None:
    if step.action == "take":
        if step.bundled is None:
            return t(_("{file}: removed in this release")).format(file=step.name)
        if not step.live_exists:
            return t(_("{file}: new in this release")).format(file=step.name)
        return t(_("{file}: updated in this release")).format(file=step.name)
    if step.action == "keep":
        return t(_("{file}: changed by an administrator; stays as it is")).format(file=step.name)
    if step.action == "conflict":
        return t(_("{file}: changed by an administrator and in this release; stays as it is unless you add "
                   "--take-bundled {file}")).format(file=step.name)
    return None


async def upgrade_command(admin: KnowledgeAdmin, t: Translator, args: argparse.Namespace) -> int:
    live_dir = admin.knowledge.knowledge_dir
    current = file_versions(live_dir)       # read once: the preview is made on these, the install checks them
    base = content_version(current)
    found = plan(live_dir, BUNDLED_KNOWLEDGE_DIR)
    unknown = [name for name in args.take_bundled if name not in {step.name for step in found.of("keep", "conflict")}]
    if unknown:
        print(t(_("--take-bundled names a file that no administrator changed: {files}")).format(
            files=", ".join(unknown)), file=sys.stderr)
        return 2
    print(t(_("This release's bundled knowledge base: version {version}.")).format(version=found.release))
    for step in found.steps:
        line = step_line(step, t)
        if line:
            print("  " + line)
    changes = found.changes(args.take_bundled)
    if not changes:
        if found.adopted != found.release:
            record(live_dir, found)     # nothing to write: remember this release as taken
        print(t(_("Nothing to install: every file of the bundled base is already in your knowledge base, or "
                  "changed by an administrator.")))
        return 0
    preview = await _check(admin, current, changes)
    headline = t(_("With it, the knowledge base would be version {version}:")).format(version=preview.version)
    print(outcome_text(preview, t, headline))
    if not preview.ok:
        return 1
    if not args.yes:
        print(t(_("Nothing was installed. Run again with --yes to install it; `kb rollback` undoes it.")))
        return 0
    outcome = await install_upgrade(admin, changes, base)
    print(outcome_text(outcome, t))
    if not outcome.ok:
        return 1
    record(live_dir, found)
    print(t(_("A running bot loads it on SIGHUP (docker compose kill -s HUP bot) or at its next start.")))
    return 0


async def _check(admin: KnowledgeAdmin, current: dict[str, bytes], changes: dict[str, bytes | None]) -> ReloadOutcome:
    sources = with_changes([Source(name, data) for name, data in current.items()], changes)
    checked = await admin.knowledge.check(sources)
    if checked.kb is None:
        return ReloadOutcome(False, checked.errors)
    return ReloadOutcome(True, checked.warnings, diff(admin.knowledge.engine.kb, checked.kb),
                         content_version({source.name: source.data for source in sources}))


async def install_upgrade(admin: KnowledgeAdmin, changes: dict[str, bytes | None], base: str) -> ReloadOutcome:
    """Write and remove files through KnowledgeAdmin.install, under the change lock that the bot and
    every other command take; refused (`stale`), with nothing changed, when the live files are no
    longer version `base`, the one the preview was made on."""
    return await admin.install(None, changes, "upgrade", base)
