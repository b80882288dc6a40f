"""What the guided changes show an administrator: an entry with its placeholders, a fact and where it
is used, and the preview of each kind of change. Plain text in the reader's language (a gettext
function and a Babel locale code), shared by Telegram and the command line."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_timedelta

from bot import LANGUAGES
from bot.admin.drafts import Preview
from bot.admin.entry_drafts import fact_users
from bot.admin.event_drafts import day_text, time_text
from bot.admin.reports import outcome_text
from bot.i18n import Translator, _
from bot.knowledge.events import Event, event_text
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.template import TemplateError, placeholders

FLAGS = {"id": "🇮🇩", "ko": "🇰🇷", "en": "🇬🇧"}


def language_in(lang: str, reader: str) -> str:
    """The language `lang` named in the reader's language (Indonesian, 인도네시아어, Indonesia)."""
    return Locale.parse(lang).get_display_name(reader) or lang


def moment_text(moment: dt.datetime, abbreviation: str, gettext: Translator, lang: str) -> str:
    """'1 Desember 2026 pukul 09.00 WIB' / '2026년 12월 1일 오전 9:00 WIB' / 'December 1, 2026 at 9:00 AM WIB'."""
    return gettext(_("{day} at {time} {zone}")).format(day=day_text(moment.date(), lang),
                                                        time=time_text(moment.time(), lang), zone=abbreviation)


def entry_text(kb: KnowledgeBase, entry_id: str, gettext: Translator, lang: str) -> str:
    """An entry as /edit shows it: its question, each language's answer as written and as shown,
    and the facts and names its answers show."""
    t = gettext
    entry = kb.by_id[entry_id]
    lines = [f"✏️ {entry_id}: {kb.question_text(entry, lang)}"]
    used: dict[str, None] = {}
    for code in LANGUAGES:
        template = entry.answer.get(code)
        if template is None:
            lines.append(f"{FLAGS[code]} " + t(_("{language}: not translated yet")).format(
                language=language_in(code, lang)))
            continue
        lines.append(f"{FLAGS[code]} {template}")
        shown = kb.render(template, code)
        if shown != template:
            lines.append(f"   → {shown}")
        try:
            used.update(dict.fromkeys(p.name for p in placeholders(template)))
        except TemplateError:
            continue
    if used:
        lines.append(t(_("Facts and names it shows:")))
        lines += [f"  {{{name}}} = {kb.resolve(name, None, lang)}" for name in used]
    return "\n".join(lines)


def fact_text(kb: KnowledgeBase, name: str, gettext: Translator, lang: str) -> str:
    """A fact, its value as readers see it, and the entries whose answers show it."""
    t = gettext
    users = [entry.id for entry in fact_users(kb, name)]
    lines = [t(_("The fact {name} is {value} (shown as {example}).")).format(
        name="{" + name + "}", value=_raw(kb, name), example=kb.resolve(name, None, lang))]
    lines.append(t(_("Answers that show it: {entries}")).format(entries=", ".join(users) or "-"))
    return "\n".join(lines)


def _raw(kb: KnowledgeBase, name: str) -> str:
    value = kb.facts[name].value
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _tail(preview: Preview, gettext: Translator) -> list[str]:
    """The warnings of the check (a phrasing too alike another entry's, an answer not translated)."""
    if not preview.outcome.problems:
        return []
    return [gettext(_("Warnings: {count}")).format(count=len(preview.outcome.problems))] + \
        [p.render(gettext) for p in preview.outcome.problems[:10]]


def answer_preview(preview: Preview, entry_id: str, gettext: Translator, lang: str) -> str:
    """The entry's answer in every language, as readers will see it after Install."""
    if preview.kb is None:
        return outcome_text(preview.outcome, gettext)
    kb = preview.kb
    entry = kb.by_id[entry_id]
    lines = [gettext(_("Preview of {entry}. After you press Install, readers will see:")).format(entry=entry_id)]
    for code in LANGUAGES:
        if code in entry.answer:
            lines.append(f"{FLAGS[code]} {kb.answer_text(entry, code)}")
    return "\n".join(lines + _tail(preview, gettext))


def fact_preview(preview: Preview, before: KnowledgeBase, name: str, gettext: Translator, lang: str) -> str:
    """The fact's old and new value, then every answer that shows it, in every language."""
    if preview.kb is None:
        return outcome_text(preview.outcome, gettext)
    kb = preview.kb
    lines = [gettext(_("{name}: {before} → {after}. After you press Install, these answers will read:")).format(
        name="{" + name + "}", before=before.resolve(name, None, lang), after=kb.resolve(name, None, lang))]
    for entry in fact_users(kb, name):
        lines.append(f"• {entry.id}")
        lines += [f"  {FLAGS[code]} {kb.answer_text(entry, code)}" for code in LANGUAGES if code in entry.answer]
    return "\n".join(lines + _tail(preview, gettext))


def entry_preview(preview: Preview, entry_id: str, gettext: Translator, lang: str) -> str:
    """A new entry: its id, then per language its phrasings and its answer as shown."""
    if preview.kb is None:
        return outcome_text(preview.outcome, gettext)
    kb = preview.kb
    entry = kb.by_id[entry_id]
    lines = [gettext(_("Preview of the new entry {entry}:")).format(entry=entry_id)]
    for code in LANGUAGES:
        if code not in entry.answer:
            continue
        lines.append(f"{FLAGS[code]} " + " / ".join(entry.questions.get(code, ())))
        lines.append(f"   → {kb.answer_text(entry, code)}")
    return "\n".join(lines + _tail(preview, gettext))


def event_preview(preview: Preview, event_id: str, zones: dict[str, str], gettext: Translator, lang: str) -> str:
    """The event as readers will see it (each language it has), its time in every configured zone,
    and when each reminder goes out."""
    if preview.kb is None:
        return outcome_text(preview.outcome, gettext)
    kb = preview.kb
    event = next(e for e in kb.events if e.id == event_id)
    lines = [gettext(_("Preview of the event {event}:")).format(event=event_id)]
    for code in LANGUAGES:
        if code in event.title:
            lines.append(f"{FLAGS[code]} " + event_text(event, code, functools.partial(_render, kb, code)))
    lines += reminder_lines(event, zones, gettext, lang)
    return "\n".join(lines + _tail(preview, gettext))


def _render(kb: KnowledgeBase, lang: str, text: str) -> str:
    return kb.render(text, lang)


def reminder_lines(event: Event, zones: dict[str, str], gettext: Translator, lang: str) -> list[str]:
    abbreviation = next((abbr for abbr, name in zones.items() if name == event.timezone), event.timezone)
    if not event.reminders:
        return [gettext(_("Reminders: none"))]
    return ["⏰ " + gettext(_("{time} before")).format(time=format_timedelta(offset, locale=lang)) + ": "
            + moment_text(at, abbreviation, gettext, lang) for offset, at in event.reminder_times()]


def elsewhere_text(moments: list[tuple[str, dt.datetime]], start: dt.datetime, abbreviation: str,
                   gettext: Translator, lang: str) -> str:
    """'That is 11:00 KST.' for each other configured zone."""
    others = ", ".join(f"{time_text(at.time(), lang)} {abbr}" if at.date() == start.date()
                       else moment_text(at, abbr, gettext, lang) for abbr, at in moments)
    return gettext(_("🗓 {moment}, that is {others}.")).format(
        moment=moment_text(start, abbreviation, gettext, lang), others=others or "-")


def cancel_preview(preview: Preview, event: Event, gettext: Translator, lang: str) -> str:
    if preview.kb is None:
        return outcome_text(preview.outcome, gettext)
    title = preview.kb.render(event.title.get(lang) or next(iter(event.title.values())), lang)
    return gettext(_("After you press Install, the event {event} ({title}) will be removed and its pending "
                     "reminders canceled.")).format(event=event.id, title=title)


def zone_of(zones: dict[str, str], name: str) -> ZoneInfo:
    return ZoneInfo(zones.get(name, name))
