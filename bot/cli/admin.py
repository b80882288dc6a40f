"""Administration from the command line, through the same services as Telegram (bot/admin):
`kb versions`, `kb rollback`, `kb suggest`, `kb teach`, `kb upgrade`, `announce`.

Audit rows name no user (user_id NULL) and the action says it came from here. A bot that is
running picks up knowledge changes on SIGHUP or in watch mode, and delivers queued announcements
from the shared database.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.admin.announcements import AnnouncementDesk, Draft, listing_lines, preview_text
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.notice import Notice
from bot.admin.reports import history_text, outcome_text, taught_text, unanswered_heading
from bot.admin.teach import Teacher
from bot.config import Settings
from bot.i18n import Translator
from bot.outbox import Outbox


def add_commands(kb_commands: argparse._SubParsersAction, commands: argparse._SubParsersAction) -> None:
    """Register the administration sub-commands on the `kb` and top-level parsers."""
    kb_commands.add_parser("versions", help="list the kept versions of the knowledge base")
    kb_commands.add_parser("rollback", help="go back to the previous kept version")
    kb_commands.add_parser("suggest", help="unanswered questions grouped, with their nearest entries")
    teach = kb_commands.add_parser("teach", help="add a question as a phrasing of an entry")
    teach.add_argument("entry", help="the entry id")
    source = teach.add_mutually_exclusive_group(required=True)
    source.add_argument("--row", type=int, help="an unanswered question's number from `kb suggest`")
    source.add_argument("--question", help="the phrasing to add")
    teach.add_argument("--lang", choices=("id", "ko", "en"), help="its language (default: detected)")
    from bot.cli.upgrade import add_command
    add_command(kb_commands)
    announce = commands.add_parser("announce", help="queue an announcement for the subscribed groups")
    announce.add_argument("text", nargs="*", help="the text, or 'id: …' 'ko: …' 'en: …' lines (else stdin)")
    announce.add_argument("--at", help="when, such as '2026-12-01 09:00 WIB' (default: now)")
    announce.add_argument("--list", action="store_true", help="list recent and scheduled announcements")
    announce.add_argument("--cancel", type=int, metavar="ID", help="cancel a scheduled announcement")
    announce.add_argument("--preview", action="store_true", help="show what groups would see; queue nothing")
    from bot.cli.authoring import add_commands as add_authoring
    add_authoring(kb_commands, commands)


@dataclass
class Services:
    settings: Settings
    admin: KnowledgeAdmin
    desk: AnnouncementDesk
    teacher: Teacher
    gettext: Translator
    lang: str


@contextmanager
def services(settings: Settings, kb_dir: Path) -> Iterator[Services | None]:
    from bot.admin.knowledge_service import KnowledgeService
    from bot.cli.loading import load_engine
    from bot.store import Store, StoreError
    engine = load_engine(kb_dir, settings)
    if engine is None:
        yield None
        return
    try:
        store = Store(settings.data_dir)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        yield None
        return
    try:
        knowledge = KnowledgeService(kb_dir, settings.data_dir, engine, engine.catalogs, store,
                                     settings.default_language)
        admin = KnowledgeAdmin(knowledge, store, max_upload_bytes=settings.max_upload_bytes,
                               unanswered_days=settings.unanswered_days, stats_days=settings.stats_days)
        desk = AnnouncementDesk(Outbox(store, max_attempts=settings.delivery_attempts), store,
                                timezone=settings.timezone, zones=settings.announcement_zones)
        lang = settings.default_language
        yield Services(settings, admin, desk, Teacher(admin), engine.catalogs.for_language(lang), lang)
    finally:
        store.close()


def run(args: argparse.Namespace, settings: Settings, kb_dir: Path | None) -> int:
    """`kb_dir` None: the live knowledge directory, prepared first (seeded, or following the bundled
    base while no administrator has changed it; bot/admin/bundled.py)."""
    if kb_dir is None:
        from bot.admin.bundled import BundledError, prepare
        from bot.config import BUNDLED_KNOWLEDGE_DIR
        kb_dir = settings.live_knowledge_dir
        try:
            prepare(kb_dir, BUNDLED_KNOWLEDGE_DIR)
        except BundledError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    with services(settings, kb_dir) as found:
        if found is None:
            return 1
        if args.command == "announce":
            return announce(found, args)
        if args.command == "event" or args.kb_command in ("edit", "new"):
            from bot.cli import authoring
            context = authoring.Services(found.settings, found.admin, found.gettext, found.lang)
            return asyncio.run(authoring.run(context, args))
        return asyncio.run(knowledge_command(found, args))


async def knowledge_command(s: Services, args: argparse.Namespace) -> int:
    t = s.gettext
    if args.kb_command == "versions":
        current = s.admin.knowledge.engine.kb.version
        print(history_text(s.admin.versions(None), current, t, s.lang, s.settings.zone))
        return 0
    if args.kb_command == "rollback":
        outcome = await s.admin.rollback(None)
        if outcome is None:
            print(t("There is no earlier version to go back to."), file=sys.stderr)
            return 1
        print(outcome_text(outcome, t))
        return 0 if outcome.ok else 1
    if args.kb_command == "upgrade":
        from bot.cli.upgrade import upgrade_command
        return await upgrade_command(s.admin, s.gettext, args)
    if args.kb_command == "suggest":
        groups = s.admin.unanswered(None, limit=20)
        if not groups:
            print(unanswered_heading(s.settings.unanswered_days, t, found=False))
        for found in groups:
            number = found.row_ids[0] if found.row_ids else "-"
            print(f"#{number}  {found.group.count}× [{found.group.lang}] {found.group.text}")
            for entry_id, score in found.nearest:
                print(f"      {round(score * 100):3d}%  {entry_id}")
        return 0
    if args.row is not None:
        result = await s.teacher.teach_logged(None, args.row, args.entry)
    else:
        lang = args.lang or s.admin.knowledge.engine.ask(args.question).lang
        result = await s.teacher.teach(None, args.entry, args.question, lang)
    if isinstance(result, Notice):
        print(result.render(t), file=sys.stderr)
        return 1
    print(taught_text(result, t))
    return 0 if result.outcome.ok else 1


def announce(s: Services, args: argparse.Namespace) -> int:
    t = s.gettext
    if args.list:
        lines = listing_lines(s.desk.recent(None), t, s.lang, s.settings.zone)
        print("\n".join(lines) or t("No announcements yet."))
        return 0
    if args.cancel is not None:
        cancelled = s.desk.cancel(None, args.cancel)
        print(t("Cancelled.") if cancelled else t("It is already going out."))
        return 0 if cancelled else 1
    body = "\n".join(args.text) if args.text else sys.stdin.read()
    if args.at:
        body = f"at: {args.at}\n{body}"
    draft = s.desk.compose_draft(body)
    if isinstance(draft, Notice):
        print(draft.render(t), file=sys.stderr)
        return 1
    print(preview_text(draft, t, s.lang))
    if args.preview:
        return 0
    announcement_id = s.desk.schedule(None, Draft(draft.texts, draft.send_at, draft.audiences, draft.groups))
    print(t("Announcement #{id} is in the outbox; you will get a delivery report.").format(id=announcement_id))
    return 0
