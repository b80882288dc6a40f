"""The guided changes from the command line, without Telegram: `kb edit`, `kb new`, `event add`.

The same services as /edit, /new and /event (bot/admin/authoring.py): each value is checked the way
the conversation checks it, the preview is printed, and the change is installed through the same path
as an upload (validated with every file, written atomically, kept in history, audited with no user
id). `--dry-run` prints the preview and installs nothing. A running bot picks the change up on SIGHUP
or in watch mode.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot import LANGUAGES

if TYPE_CHECKING:
    from bot.admin.authoring import Authoring
    from bot.admin.drafts import Preview
    from bot.admin.knowledge import KnowledgeAdmin
    from bot.admin.notice import Notice
    from bot.config import Settings
    from bot.i18n import Translator


@dataclass
class Services:
    """What these commands need of the command line's services (bot/cli/admin.py makes them)."""
    settings: Settings
    admin: KnowledgeAdmin
    gettext: Translator
    lang: str


def _localized(value: str) -> tuple[str, str]:
    lang, sep, text = value.partition(":")
    if not sep or lang not in LANGUAGES or not text.strip():
        raise argparse.ArgumentTypeError(f"write it as LANG:TEXT with LANG one of {', '.join(LANGUAGES)}")
    return lang, text.strip()


def add_commands(kb_commands: argparse._SubParsersAction, commands: argparse._SubParsersAction) -> None:
    edit = kb_commands.add_parser("edit", help="change an entry's answer in one language, or a fact's value")
    edit.add_argument("target", help="an entry id, or a fact's name")
    edit.add_argument("--lang", choices=LANGUAGES, help="the answer's language (for an entry)")
    edit.add_argument("--text", help="the new answer, or the fact's new value (else standard input)")
    edit.add_argument("--dry-run", action="store_true", help="print the preview; install nothing")
    new = kb_commands.add_parser("new", help="add an entry")
    new.add_argument("--id", required=True, help="the new entry's id")
    new.add_argument("--question", action="append", type=_localized, required=True, metavar="LANG:TEXT",
                     help="a phrasing (repeat it, in one or more languages)")
    new.add_argument("--answer", action="append", type=_localized, required=True, metavar="LANG:TEXT",
                     help="the answer in a language (repeat it per language)")
    new.add_argument("--dry-run", action="store_true", help="print the preview; install nothing")
    event = commands.add_parser("event", help="schedule an event")
    event_commands = event.add_subparsers(dest="event_command", required=True)
    add = event_commands.add_parser("add", help="add an event; its reminders go to the subscribed groups")
    add.add_argument("--title", action="append", type=_localized, required=True, metavar="LANG:TEXT",
                     help="the title in a language (repeat it per language)")
    add.add_argument("--zone", required=True, help="a time zone abbreviation of BOT_ANNOUNCEMENT_ZONES (WIB, KST)")
    add.add_argument("--date", required=True, help="2027-03-10 or 10/03/2027")
    add.add_argument("--time", help="09:00, or 09:00-12:00 with an end (default: all day)")
    add.add_argument("--venue", help="the venue")
    add.add_argument("--remind", default="", help="reminders before the start, such as 7d,1d,1h")
    add.add_argument("--dry-run", action="store_true", help="print the preview; install nothing")
    add.add_argument("--kb", metavar="DIR", type=Path,
                     help="knowledge directory (default: $BOT_KNOWLEDGE_DIR, else the bundled knowledge/)")


async def run(s: Services, args: argparse.Namespace) -> int:
    from bot.admin.authoring import Authoring
    authoring = Authoring(s.admin, zones=s.settings.announcement_zones, timezone=s.settings.timezone)
    if args.command == "event":
        return await _event(s, authoring, args)
    if args.kb_command == "new":
        return await _new(s, authoring, args)
    return await _edit(s, authoring, args)


def _refused(found: Notice, t: Translator) -> int:
    print(found.render(t), file=sys.stderr)
    return 1


async def _finish(s: Services, authoring: Authoring, found: Preview | Notice, text: str, dry_run: bool) -> int:
    from bot.admin.notice import Notice
    from bot.admin.reports import outcome_text
    if isinstance(found, Notice):
        return _refused(found, s.gettext)
    print(text)
    if found.kb is None or dry_run:
        return 0 if found.kb is not None else 1
    outcome = await authoring.apply(None, found)
    print(outcome_text(outcome, s.gettext))
    return 0 if outcome.ok else 1


async def _edit(s: Services, authoring: Authoring, args: argparse.Namespace) -> int:
    from bot.admin.authoring import EditDraft
    from bot.admin.authoring_texts import answer_preview, fact_preview
    from bot.admin.notice import Notice
    from bot.i18n import _
    t, lang = s.gettext, s.lang
    value = args.text if args.text is not None else sys.stdin.read()
    draft = EditDraft(lang)
    if args.target in authoring.kb.facts:
        authoring.target_fact(draft, args.target)
        before = authoring.kb
        found = await authoring.preview_fact(None, draft, value)
        text = fact_preview(found, before, args.target, t, lang) if not isinstance(found, Notice) else ""
        return await _finish(s, authoring, found, text, args.dry_run)
    problem = authoring.target_entry(draft, args.target)
    if problem is not None:
        return _refused(problem, t)
    if args.lang is None:
        return _refused(Notice(_("Choose the answer's language with --lang id, ko, or en.")), t)
    draft.answer_lang = args.lang
    found = await authoring.preview_answer(None, draft, value)
    text = answer_preview(found, args.target, t, lang) if not isinstance(found, Notice) else ""
    return await _finish(s, authoring, found, text, args.dry_run)


async def _new(s: Services, authoring: Authoring, args: argparse.Namespace) -> int:
    from bot.admin.authoring import EntryDraft
    from bot.admin.authoring_texts import entry_preview
    from bot.admin.notice import Notice
    t, lang = s.gettext, s.lang
    draft = EntryDraft(lang)
    problem = authoring.set_entry_id(draft, args.id)
    if problem is not None:
        return _refused(problem, t)
    for code, text in args.question:
        draft.current = code
        found = authoring.add_question(draft, text)
        if isinstance(found, Notice):
            return _refused(found, t)
    for code, text in args.answer:
        draft.current = code
        problem = authoring.add_answer(draft, text)
        if problem is not None:
            return _refused(problem, t)
    preview = await authoring.preview_entry(None, draft)
    text = entry_preview(preview, args.id, t, lang) if not isinstance(preview, Notice) else ""
    return await _finish(s, authoring, preview, text, args.dry_run)


async def _event(s: Services, authoring: Authoring, args: argparse.Namespace) -> int:
    from bot.admin.authoring import EventDraft
    from bot.admin.authoring_texts import event_preview
    from bot.admin.notice import Notice
    from bot.i18n import _
    t, lang = s.gettext, s.lang
    draft = EventDraft(lang)
    for code, text in args.title:
        draft.current = code
        problem = authoring.set_title(draft, text)
        if problem is not None:
            return _refused(problem, t)
    steps = [lambda: authoring.set_zone(draft, args.zone.upper()), lambda: authoring.set_day(draft, args.date, lang),
             lambda: authoring.set_times(draft, args.time, lang), lambda: authoring.set_venue(draft, args.venue)]
    for run_step in steps:
        problem = run_step()
        if problem is not None:
            return _refused(problem, t)
    for label in filter(None, (part.strip() for part in args.remind.split(","))):
        if label not in authoring.reminder_choices(draft):
            print(t(_("The reminder {value} does not fit this event (choose among: {choices}).")).format(
                value=label, choices=", ".join(authoring.reminder_choices(draft)) or "-"), file=sys.stderr)
            return 1
        authoring.toggle_reminder(draft, label)
    preview = await authoring.preview_event(None, draft)
    if isinstance(preview, Notice):
        return _refused(preview, t)
    event_id = preview.outcome.diff.events_changed[0] if preview.outcome.diff else ""
    return await _finish(s, authoring, preview, event_preview(preview, event_id, authoring.zones, t, lang),
                         args.dry_run)
