"""What administrators read: reload outcomes, versions, statistics, unanswered questions.

Plain text in the reader's language (a gettext function and a Babel locale code), shared by the
Telegram handlers and the command line. Telegram's message limit is the caller's concern.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_percent

from bot.admin.knowledge_service import ReloadOutcome
from bot.admin.notice import Gettext
from bot.i18n import _

if TYPE_CHECKING:
    from bot.admin.knowledge import KeptVersion, Stats, VersionReport
    from bot.admin.teach import Taught

SCREENFUL_PROBLEMS = 15        # errors listed in one report; the rest are counted


def outcome_text(outcome: ReloadOutcome, gettext: Gettext, headline: str | None = None) -> str:
    """A reload, rollback or upload check: errors (nothing changed) or what changed and the warnings."""
    t = gettext
    if outcome.stale:
        return t(_("❌ The knowledge base changed after your preview (another change was installed), so nothing "
                   "changed. Start again to see what your change would do now."))
    if not outcome.ok:
        lines = [t(_("❌ The knowledge base has errors, so nothing changed: the bot keeps answering from the "
                     "previous version."))]
        lines += [p.render(gettext) for p in outcome.problems[:SCREENFUL_PROBLEMS]]
        rest = len(outcome.problems) - SCREENFUL_PROBLEMS
        if rest > 0:
            lines.append(t(_("…and {count} more.")).format(count=rest))
        return "\n".join(lines)
    d = outcome.diff
    assert d is not None, "a successful outcome carries its diff"
    none = t(_("none"))
    lines = [headline or t(_("✅ Knowledge base reloaded: version {version}, {entries} entries.")).format(
                 version=outcome.version, entries=d.entries),
             t(_("Added: {ids}")).format(ids=", ".join(d.added) or none),
             t(_("Removed: {ids}")).format(ids=", ".join(d.removed) or none),
             t(_("Changed: {ids}")).format(ids=", ".join(d.changed) or none),
             t(_("Phrasings: {counts}")).format(counts=", ".join(
                 f"{code} {before}→{after}" if before != after else f"{code} {after}"
                 for code, (before, after) in d.phrasings.items()))]
    if d.events_changed:
        lines.append(t(_("Events changed: {ids}")).format(ids=", ".join(d.events_changed)))
    if d.facts_changed:
        lines.append(t(_("Facts, names and synonyms changed: {keys}")).format(keys=", ".join(d.facts_changed)))
    if outcome.problems:
        lines.append(t(_("Warnings: {count}")).format(count=len(outcome.problems)))
        lines += [p.render(gettext) for p in outcome.problems[:5]]
    return "\n".join(lines)


def version_text(info: VersionReport, gettext: Gettext, lang: str, zone: ZoneInfo) -> str:
    t = gettext
    lines = [t(_("Version {version}: {entries} entries in {files} files.")).format(
        version=info.version, entries=info.entries, files=len(info.files))]
    if info.installed_at is not None:
        who = str(info.installed_by) if info.installed_by is not None else t(_("the bot itself"))
        lines.append(t(_("Installed {when} by {who} ({action}).")).format(
            when=format_datetime(info.installed_at, "medium", tzinfo=zone, locale=lang), who=who,
            action=info.action))
    ago = format_timedelta(dt.timedelta(seconds=info.loaded_ago_s), locale=lang)
    lines.append(t(_("Loaded {ago} ago.")).format(ago=ago))
    lines += [f"{name}  {digest}" for name, digest in info.files.items()]
    return "\n".join(lines)


def history_text(versions: list[KeptVersion], current: str, gettext: Gettext, lang: str, zone: ZoneInfo) -> str:
    """Kept versions, newest first; the current one marked."""
    if not versions:
        return gettext(_("No versions are kept yet."))
    lines = []
    for kept in reversed(versions):
        mark = "→" if kept.version == current else " "
        when = format_datetime(kept.kept_at, "medium", tzinfo=zone, locale=lang)
        lines.append(f"{mark} {kept.version}  " + gettext(_("kept {when} ({zone}), {count} files")).format(
            when=when, zone=zone.key, count=kept.files))
    return "\n".join(lines)


def stats_text(stats: Stats, gettext: Gettext, lang: str) -> str:
    t = gettext
    total = stats.total

    def share(n: int) -> str:
        return format_percent(n / total if total else 0, locale=lang)

    kinds = stats.per_kind
    lines = [t(_("Questions in the last {days} days: {total}")).format(days=stats.days, total=total)]
    lines += [f"  {format_date(day, 'medium', locale=lang)}: {count}" for day, count in stats.per_day]
    lines.append(t(_("Per language: {counts}")).format(
        counts=", ".join(f"{code} {count}" for code, count in stats.per_language) or "-"))
    lines.append(t(_("Answered {answered}, \"did you mean\" {clarified}, not known {refused}")).format(
        answered=share(kinds.get("answer", 0)), clarified=share(kinds.get("clarify", 0)),
        refused=share(kinds.get("fallback", 0))))
    lines.append(t(_("Most asked: {entries}")).format(
        entries=", ".join(f"{entry} ({count})" for entry, count in stats.top_entries) or "-"))
    lines.append(t(_("Answers not translated yet: {counts}")).format(
        counts=", ".join(f"{code} {count}" for code, count in stats.untranslated.items()) or "-"))
    ago = format_timedelta(dt.timedelta(seconds=stats.loaded_ago_s), locale=lang)
    lines.append(t(_("Last reload: {ago} ago.")).format(ago=ago))
    return "\n".join(lines)


def taught_text(taught: Taught, gettext: Gettext) -> str:
    """A phrasing added from the unanswered log: what was added, then the reload report."""
    if not taught.outcome.ok:
        return outcome_text(taught.outcome, gettext)
    headline = gettext(_("✅ Added \"{phrasing}\" to {entry} ({lang}); version {version}.")).format(
        phrasing=taught.phrasing, entry=taught.entry_id, lang=taught.lang, version=taught.outcome.version)
    return outcome_text(taught.outcome, gettext, headline)
