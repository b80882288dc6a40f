"""Knowledge administration: reload, preview and install an upload, roll back, versions, export,
statistics and the unanswered log. Every call names the acting user and writes the audit row.

Telegram-free: the handlers in bot/telegram/admin.py and the command line call these methods.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import LANGUAGES
from bot.admin.knowledge_service import KnowledgeService, ReloadOutcome
from bot.admin.notice import Notice
from bot.admin.pending import Pending
from bot.admin.unanswered import QuestionGroup, group_questions
from bot.i18n import _, ngettext
from bot.knowledge.builder import content_version
from bot.knowledge.diff import diff
from bot.knowledge.installer import InstallError, safe_file_name, with_changes
from bot.knowledge.loader import knowledge_files
from bot.knowledge.located import YamlProblem, decode_utf8
from bot.store import Store


@dataclass(frozen=True)
class UploadPreview:
    """A checked upload. `token` is set when it is valid and waits for confirmation."""
    name: str
    outcome: ReloadOutcome            # ok: what would change (and the warnings); not ok: the errors
    token: str | None = None


@dataclass(frozen=True)
class WaitingUpload:
    name: str
    data: bytes
    base: str                         # the version of the files the preview was made on


@dataclass(frozen=True)
class VersionReport:
    version: str
    entries: int
    files: dict[str, str]             # file name → content hash
    installed_at: float | None        # seconds since the epoch
    installed_by: int | None
    action: str
    loaded_ago_s: float


@dataclass(frozen=True)
class KeptVersion:
    version: str
    kept_at: float                    # seconds since the epoch
    files: int
    folder: Path


@dataclass(frozen=True)
class Stats:
    days: int
    total: int
    per_day: list[tuple[dt.date, int]]          # local days (the bot's time zone) with questions
    per_language: list[tuple[str, int]]
    per_kind: dict[str, int]
    top_entries: list[tuple[str, int]]
    loaded_ago_s: float
    untranslated: dict[str, int] = field(default_factory=dict)   # language → entries whose answer lacks it


@dataclass(frozen=True)
class UnansweredGroup:
    """Near-duplicate unanswered questions, the log rows they came from, and the nearest entries."""
    group: QuestionGroup
    row_ids: tuple[int, ...]
    nearest: tuple[tuple[str, float], ...]      # (entry id, score 0..1), best first


class KnowledgeAdmin:
    def __init__(self, knowledge: KnowledgeService, store: Store, *, max_upload_bytes: int,
                 unanswered_days: int, stats_days: int, clock: Callable[[], float] = time.time) -> None:
        self.knowledge = knowledge
        self.store = store
        self.max_upload_bytes = max_upload_bytes
        self.unanswered_days = unanswered_days
        self.stats_days = stats_days
        self.clock = clock
        self.uploads: Pending[WaitingUpload] = Pending()

    # -- reload and versions ---------------------------------------------------------------------
    async def reload(self, user_id: int | None, action: str = "reload") -> ReloadOutcome:
        """Read, validate and swap in the knowledge directory (audited by the knowledge service)."""
        return await self.knowledge.reload(user_id, action)

    def version(self, user_id: int | None) -> VersionReport:
        kb = self.knowledge.engine.kb
        info = self.store.version_info(kb.version)
        self.store.audit(user_id, "kbversion", "ok")
        at, by, action = info if info else (None, None, "")
        return VersionReport(kb.version, len(kb.entries), dict(kb.files), at, by, action,
                             self.clock() - self.knowledge.loaded_at)

    def versions(self, user_id: int | None) -> list[KeptVersion]:
        """The kept versions, oldest first (what rollback can go back to)."""
        self.store.audit(user_id, "kbversions", "ok")
        kept = []
        for folder in self.knowledge.installer.versions():
            version = folder.name.rsplit("-", 1)[-1]
            kept.append(KeptVersion(version, folder.stat().st_mtime, len(list(folder.glob("*.yaml"))), folder))
        return kept

    async def rollback(self, user_id: int | None) -> ReloadOutcome | None:
        """Go back to the newest kept version other than the current one; None when there is none.
        A kept version that no longer validates is refused (outcome not ok) and nothing changes."""
        return await self.knowledge.rollback(user_id)

    def export(self, user_id: int | None) -> list[Path]:
        files = knowledge_files(self.knowledge.knowledge_dir)
        self.store.audit(user_id, "export", "ok", f"{len(files)} files")
        return files

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        return fingerprint(self.knowledge.knowledge_dir)

    # -- uploads ------------------------------------------------------------------------------------
    def admit_upload(self, user_id: int | None, file_name: str | None, size: int | None) -> str | Notice:
        """Before downloading: the file's safe name, or why it is refused."""
        try:
            name = safe_file_name(file_name)
        except InstallError:
            self.store.audit(user_id, "upload", "refused: name", str(file_name))
            return Notice(_("Send a .yaml file with a plain name, such as kitb.yaml."))
        if (size or 0) > self.max_upload_bytes:
            self.store.audit(user_id, "upload", "refused: size", f"{name} {size}")
            return self._too_large()
        return name

    def _too_large(self) -> Notice:
        return Notice(ngettext("The file is too large: the limit is {count} byte.",
                               "The file is too large: the limit is {count} bytes."), {"count": self.max_upload_bytes})

    async def preview_upload(self, user_id: int, name: str, data: bytes) -> UploadPreview | Notice:
        """Validate `data` as `name` together with the other files; when valid, it waits for
        `confirm_upload(user_id, token)`. Nothing is written here."""
        if len(data) > self.max_upload_bytes:
            self.store.audit(user_id, "upload", "refused: size", f"{name} {len(data)}")
            return self._too_large()
        try:
            decode_utf8(data)
        except YamlProblem as problem:
            self.store.audit(user_id, "upload", "refused: encoding", name)
            return Notice(problem.message, problem.params,
                          prefix=f"{name}:{problem.mark.line}:{problem.mark.column}: ")
        sources = await asyncio.to_thread(self.knowledge.installer.read)
        checked = await self.knowledge.check(with_changes(sources, {name: data}))
        if checked.kb is None:
            self.store.audit(user_id, "upload", "refused: invalid", f"{name}: {len(checked.errors)} error(s)")
            return UploadPreview(name, ReloadOutcome(False, checked.errors))
        changes = diff(self.knowledge.engine.kb, checked.kb)
        token = self.uploads.put(user_id, WaitingUpload(name, data, content_version(sources)))
        self.store.audit(user_id, "upload", "awaiting confirmation", name)
        return UploadPreview(name, ReloadOutcome(True, checked.warnings, changes, checked.kb.version), token)

    def cancel_upload(self, user_id: int, token: str) -> str | None:
        """The cancelled file's name; None when nothing waited under `token`."""
        pending = self.uploads.take(user_id, token)
        if pending is None:
            return None
        self.store.audit(user_id, "upload", "cancelled", pending.name)
        return pending.name

    async def confirm_upload(self, user_id: int, token: str) -> ReloadOutcome | None:
        """Install the upload waiting under `token` and reload; None when nothing waited. Refused
        (`stale`) when the knowledge files changed after the preview: the administrator sends the
        file again and sees what it would change now."""
        pending = self.uploads.take(user_id, token)
        if pending is None:
            return None
        return await self.install(user_id, {pending.name: pending.data}, f"upload {pending.name}", pending.base)

    async def install(self, user_id: int | None, files: Mapping[str, bytes | None], action: str,
                      base: str | None = None) -> ReloadOutcome:
        """Write files atomically (None removes one) and reload, through `KnowledgeService.change`
        (validated with the other files first; put back as they were if the reload fails)."""
        outcome = await self.knowledge.change(user_id, action, lambda _sources: files, base)
        assert isinstance(outcome, ReloadOutcome), "a fixed set of files is never refused with a notice"
        return outcome

    # -- what people ask ------------------------------------------------------------------------------
    def stats(self, user_id: int | None, zone: ZoneInfo) -> Stats:
        """Counts over the last `stats_days` days; days are calendar days in `zone` (the bot's)."""
        now = self.clock()
        since = now - self.stats_days * 86400
        per_language: dict[str, int] = {}
        per_kind: dict[str, int] = {}
        per_entry: dict[str, int] = {}
        for lang, kind, entry_id, count in self.store.question_breakdown(since):
            per_language[lang] = per_language.get(lang, 0) + count
            per_kind[kind] = per_kind.get(kind, 0) + count
            if entry_id is not None:
                per_entry[entry_id] = per_entry.get(entry_id, 0) + count
        per_day = []
        day = dt.datetime.fromtimestamp(since, zone).date()
        last = dt.datetime.fromtimestamp(now, zone).date()
        while day <= last:
            # Each local midnight converted on its own: the offset can differ from day to day (DST).
            start = dt.datetime.combine(day, dt.time(0), tzinfo=zone).timestamp()
            following = day + dt.timedelta(days=1)
            end = dt.datetime.combine(following, dt.time(0), tzinfo=zone).timestamp()
            count = self.store.question_count(max(start, since), end)
            if count:
                per_day.append((day, count))
            day = following
        kb = self.knowledge.engine.kb
        untranslated = {lang: n for lang in LANGUAGES if (n := sum(lang not in e.answer for e in kb.entries))}
        self.store.audit(user_id, "stats", "ok")
        return Stats(self.stats_days, sum(per_language.values()), per_day,
                     sorted(per_language.items(), key=lambda item: (-item[1], item[0])), per_kind,
                     sorted(per_entry.items(), key=lambda item: (-item[1], item[0]))[:5],
                     now - self.knowledge.loaded_at, untranslated)

    def question_groups(self, limit: int = 10) -> list[tuple[QuestionGroup, tuple[int, ...]]]:
        """Recent unanswered questions grouped into near-duplicates, most frequent first, each with
        the ids of its log rows."""
        rows = self.store.unanswered_rows(self.clock() - self.unanswered_days * 86400)
        groups = group_questions([(text, lang) for _id, text, lang in rows], limit=limit)
        return [(group, tuple(row_id for row_id, text, lang in rows if lang == group.lang and text in group.variants))
                for group in groups]

    def unanswered(self, user_id: int | None, limit: int = 10) -> list[UnansweredGroup]:
        """The most frequent unanswered questions of the last `unanswered_days` days, grouped, each
        with the entries nearest to it (what an administrator can add it to)."""
        engine = self.knowledge.engine
        result = []
        for group, ids in self.question_groups(limit):
            reply = engine.ask(group.text, lang=group.lang)
            nearest = tuple((c.entry_id, c.score) for c in reply.candidates if c.entry_id in engine.kb.by_id)
            result.append(UnansweredGroup(group, ids, nearest))
        self.store.audit(user_id, "unanswered", "ok", f"{len(result)} groups")
        return result


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the knowledge files (watch mode compares them)."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in knowledge_files(directory))
