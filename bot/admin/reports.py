"""What administrators read: reload outcomes, versions, statistics, unanswered questions.

Plain text in the reader's language (a Translator: messages, plural forms and its Babel locale code),
shared by the Telegram handlers and the command line. Telegram's message limit is the caller's concern.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_timedelta
from babel.numbers import format_percent

from bot.admin.knowledge_service import ReloadOutcome
from bot.i18n import Translator, _
from bot.text.dates import format_day, format_moment, language_names

if TYPE_CHECKING:
    from bot.admin.knowledge import KeptVersion, Stats, VersionReport
    from bot.admin.teach import Taught

SCREENFUL_PROBLEMS = 15        # errors listed in one report; the rest are counted


def per_language(counts: Iterable[tuple[str, object]], lang: str) -> str:
    """'Indonesia 601, Korea 614' / '인도네시아어 601, 한국어 614': codes named in the reader's language."""
    names = Locale.parse(lang).languages
    return ", ".join(f"{names.get(code, code)} {value}" for code, value in counts)


def outcome_text(outcome: ReloadOutcome, t: Translator, headline: str | None = None) -> str:
    """A reload, rollback or upload check: errors (nothing changed) or what changed and the warnings."""
    if outcome.stale:
        return t(_("❌ Another change was installed after your preview, so yours was not installed. Start again to "
                   "see what your change would do now."))
    if not outcome.ok:
        lines = [t(_("❌ The knowledge base has errors, so nothing changed: the bot keeps answering from the "
                     "previous version."))]
        lines += [p.render(t) for p in outcome.problems[:SCREENFUL_PROBLEMS]]
        rest = len(outcome.problems) - SCREENFUL_PROBLEMS
        if rest > 0:
            lines.append(t.ngettext("…and {count} more problem.", "…and {count} more problems.", rest).format(
                count=rest))
        return "\n".join(lines)
    d = outcome.diff
    assert d is not None, "a successful outcome carries its diff"
    none = t(_("none"))
    lines = [headline or t.ngettext("✅ Knowledge base reloaded: version {version}, {count} entry.",
                                    "✅ Knowledge base reloaded: version {version}, {count} entries.",
                                    d.entries).format(version=outcome.version, count=d.entries),
             t(_("Added: {ids}")).format(ids=", ".join(d.added) or none),
             t(_("Removed: {ids}")).format(ids=", ".join(d.removed) or none),
             t(_("Changed: {ids}")).format(ids=", ".join(d.changed) or none),
             t(_("Phrasings: {counts}")).format(counts=per_language(
                 ((code, f"{before}→{after}" if before != after else after)
                  for code, (before, after) in d.phrasings.items()), t.lang))]
    if d.events_changed:
        lines.append(t(_("Events changed: {ids}")).format(ids=", ".join(d.events_changed)))
    if d.facts_changed:
        lines.append(t(_("Facts, names, and synonyms changed: {keys}")).format(keys=", ".join(d.facts_changed)))
    if outcome.problems:
        lines.append(t(_("Warnings: {count}")).format(count=len(outcome.problems)))
        lines += [p.render(t) for p in outcome.problems[:5]]
    return "\n".join(lines)


def action_text(action: str, t: Translator) -> str:
    """How a version came to be installed, in words ("upload kitb.yaml" → "unggahan kitb.yaml")."""
    verb, _space, what = action.partition(" ")
    if verb == "upload" and what:
        return t(_("upload of {file}")).format(file=what)
    if verb == "teach" and what:
        return t(_("phrasing added to {entry}")).format(entry=what)
    if verb in ("edit", "event") and what.startswith(("fact ", "cancel ")):
        kind, _space, name = what.partition(" ")
        return (t(_("fact {fact} edited")).format(fact=name) if kind == "fact"
                else t(_("event {event} canceled")).format(event=name))
    if verb in ("edit", "new", "event") and what:
        made = {"edit": _("answer of {name} edited"), "new": _("new entry {name}"),
                "event": _("event {name} added or changed")}
        return t(made[verb]).format(name=what)
    words = {"start": _("start-up"), "reload": _("the /reload command"), "sighup": _("the SIGHUP signal"),
             "watch": _("a change in the knowledge files"), "rollback": _("going back to the previous version"),
             "upgrade": _("the bundled knowledge base of a new release")}
    return t(words[action]) if action in words else t(_("other change ({action})")).format(action=action)


def version_text(info: VersionReport, t: Translator, lang: str, zone: ZoneInfo) -> str:
    lines = [t(_("Version {version}: {entries} in {files}.")).format(
        version=info.version, entries=t.ngettext("{count} entry", "{count} entries", info.entries).format(
            count=info.entries), files=t.ngettext("{count} file", "{count} files", len(info.files)).format(
            count=len(info.files)))]
    if info.installed_at is not None:
        when = format_moment(dt.datetime.fromtimestamp(info.installed_at, zone), lang)
        how = action_text(info.action, t)
        if info.installed_by is not None:
            lines.append(t(_("Installed on {when} by administrator {user} ({how}).")).format(
                when=when, user=info.installed_by, how=how))
        else:
            lines.append(t(_("Installed on {when} ({how}).")).format(when=when, how=how))
    ago = format_timedelta(dt.timedelta(seconds=info.loaded_ago_s), locale=lang)
    lines.append(t(_("Loaded {ago} ago.")).format(ago=ago))
    lines += [f"{name}  {digest}" for name, digest in info.files.items()]
    return "\n".join(lines)


def history_text(versions: list[KeptVersion], current: str, t: Translator, lang: str, zone: ZoneInfo) -> str:
    """Kept versions, newest first; the current one marked."""
    if not versions:
        return t(_("No versions are kept yet."))
    lines = []
    for kept in reversed(versions):
        mark = "→" if kept.version == current else " "
        when = format_moment(dt.datetime.fromtimestamp(kept.kept_at, zone), lang)
        lines.append(f"{mark} {kept.version}  " + t.ngettext("kept on {when}, {count} file",
                                                             "kept on {when}, {count} files", kept.files).format(
            when=when, count=kept.files))
    return "\n".join(lines)


def stats_text(stats: Stats, t: Translator, lang: str) -> str:
    total = stats.total

    def share(n: int) -> str:
        return format_percent(n / total if total else 0, locale=lang)

    kinds = stats.per_kind
    lines = [t.ngettext("Questions in the last day: {total}", "Questions in the last {count} days: {total}",
                        stats.days).format(count=stats.days, total=total)]
    lines += [f"  {format_day(day, lang)}: {count}" for day, count in stats.per_day]
    lines.append(t(_("Per language: {counts}")).format(counts=per_language(stats.per_language, lang) or "-"))
    lines.append(t(_("Answered {answered}, detail not in the news report {partial}, \"did you mean\" {clarified}, "
                     "not known {refused}")).format(
        answered=share(kinds.get("answer", 0)), partial=share(kinds.get("partial", 0)),
        clarified=share(kinds.get("clarify", 0)), refused=share(kinds.get("fallback", 0))))
    lines.append(t(_("Most asked: {entries}")).format(
        entries=", ".join(f"{entry} ({count})" for entry, count in stats.top_entries) or "-"))
    lines.append(t(_("Answers not translated yet: {counts}")).format(
        counts=", ".join(f"{code} {count}" for code, count in stats.untranslated.items()) or "-"))
    ago = format_timedelta(dt.timedelta(seconds=stats.loaded_ago_s), locale=lang)
    lines.append(t(_("Last reload: {ago} ago.")).format(ago=ago))
    return "\n".join(lines)


def taught_text(taught: Taught, t: Translator) -> str:
    """A phrasing added from the unanswered log: what was added, then the reload report."""
    if not taught.outcome.ok:
        return outcome_text(taught.outcome, t)
    headline = t(_("✅ Added \"{phrasing}\" to {entry} ({lang}); version {version}.")).format(
        phrasing=taught.phrasing, entry=taught.entry_id, lang=language_names([taught.lang], t.lang),
        version=taught.outcome.version)
    return outcome_text(taught.outcome, t, headline)


def unanswered_heading(days: int, t: Translator, found: bool) -> str:
    """The line above the unanswered questions of the last `days` days, or the line saying there are none."""
    if found:
        return t.ngettext("Most frequent unanswered questions (last day):",
                          "Most frequent unanswered questions (last {count} days):", days).format(count=days)
    return t.ngettext("No unanswered questions in the last day.", "No unanswered questions in the last {count} days.",
                      days).format(count=days)
