"""The current knowledge base, its reloads, and every change to the knowledge directory.

A reload reads and validates everything in a worker thread (questions keep being answered on the
old engine meanwhile), then swaps the engine in one assignment: a question that has started holds
its own reference to the old engine and finishes on it; the next one uses the new engine. A
knowledge base with errors is never swapped in.

Every change to the directory (an upload, teaching, a rollback, a guided edit, a reload, in this
process or from the command line) runs inside `changing()`: one at a time in this process, and
behind a `flock` shared with every other process. A change made on a preview names the version of
the files it was previewed on (`base`), and is refused when the files have changed since. A change
is validated with all the other files before anything is written; if it fails after writing, the
files it wrote are put back exactly as they were, and the history is left as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.admin.notice import Notice
from bot.engine.answer import Engine
from bot.engine.cache import engine_for
from bot.engine.decision import Traffic
from bot.i18n import Catalogs
from bot.knowledge.builder import content_version
from bot.knowledge.diff import KbDiff, diff
from bot.knowledge.installer import ChangeLock, Changes, Installer, with_changes
from bot.knowledge.loader import LoadResult, Problem, Source, read_sources
from bot.knowledge.located import N_
from bot.store import Store

LOCK_POLL_S = 0.05          # how often a change waiting for another process's change looks again


@dataclass
class ReloadOutcome:
    ok: bool
    problems: list[Problem] = field(default_factory=list)     # errors when not ok, else warnings
    diff: KbDiff | None = None
    version: str | None = None
    stale: bool = False         # refused: the files changed after the preview this change was made on


Make = Callable[[list[Source]], Changes | Notice]      # the files as they are now → what to write


class KnowledgeService:
    def __init__(self, knowledge_dir: Path, data_dir: Path, engine: Engine, catalogs: Catalogs, store: Store,
                 default_language: str = "en", clock: Callable[[], float] = time.time,
                 traffic: Traffic | None = None):
        self.knowledge_dir = Path(knowledge_dir)
        self.installer = Installer(knowledge_dir, data_dir, clock)
        self.cache_dir = Path(data_dir) / "cache"      # engines built for checked files, reused on reload
        self.engine = engine
        self.catalogs = catalogs
        self.store = store
        self.default_language = default_language
        self.traffic = traffic if traffic is not None else engine.calibration.traffic
        self.clock = clock
        self.loaded_at = clock()
        self._lock = asyncio.Lock()
        self.listeners: list = []      # called with the new engine after every successful swap
        if store.version_info(engine.kb.version) is None:
            store.record_version(engine.kb.version, None, "start")
        held = self.installer.lock.acquire()         # start-up: another process may be installing
        try:
            sources, problems = read_sources(self.knowledge_dir)
            if not problems and content_version(sources) == engine.kb.version:
                self.installer.keep(engine.kb.version, sources)
        finally:
            ChangeLock.release(held)

    @contextlib.asynccontextmanager
    async def changing(self) -> AsyncIterator[None]:
        """Hold the knowledge directory for one change: first against this process's other
        changes, then against other processes (the command line). Waiting can be cancelled."""
        async with self._lock:
            held = self.installer.lock.try_acquire()
            while held is None:
                await asyncio.sleep(LOCK_POLL_S)
                held = self.installer.lock.try_acquire()
            try:
                yield
            finally:
                ChangeLock.release(held)

    def version_on_disk(self) -> str:
        """The content version of the knowledge files now: what a preview is made on."""
        return self.installer.version_on_disk()

    async def check(self, sources: list[Source]) -> LoadResult:
        """Validate files without installing anything (uploads, rollbacks): the loader's problems
        and the engine's (phrasings too alike to tell apart)."""
        result, _engine = await asyncio.to_thread(self._load, sources)
        return result

    def _load(self, sources: list[Source]) -> tuple[LoadResult, Engine | None]:
        return engine_for(sources, self.catalogs, self.cache_dir, self.default_language, self.traffic)

    async def reload(self, user_id: int | None, action: str) -> ReloadOutcome:
        """Read the directory, validate, and swap the engine in (audited)."""
        async with self.changing():
            return await self._reload(user_id, action)

    async def change(self, user_id: int | None, action: str, make: Make,
                     base: str | None = None) -> ReloadOutcome | Notice:
        """Apply one change to the knowledge directory and reload, all inside `changing()`.
        `make` gets the files as they are now and returns what to write (a Notice refuses).
        With `base`, the change is refused (`stale`) when the files are no longer that version."""
        async with self.changing():
            sources, unreadable = await asyncio.to_thread(read_sources, self.knowledge_dir)
            if base is not None and content_version(sources) != base:
                self.store.audit(user_id, action, "refused: changed since the preview")
                return ReloadOutcome(False, stale=True)
            made = make(sources)
            if isinstance(made, Notice):
                return made
            return await self._apply(user_id, action, sources, unreadable, made)

    async def rollback(self, user_id: int | None) -> ReloadOutcome | None:
        """Go back to the newest kept version other than the current one; None when there is none.
        A kept version that no longer validates is refused (outcome not ok) and nothing changes.
        The versions after it are forgotten only once it is loaded."""
        async with self.changing():
            folder = self.installer.previous(self.engine.kb.version)
            if folder is None:
                self.store.audit(user_id, "rollback", "nothing to restore")
                return None
            sources, unreadable = await asyncio.to_thread(read_sources, self.knowledge_dir)
            changes = await asyncio.to_thread(self.installer.changes_to, folder)
            outcome = await self._apply(user_id, "rollback", sources, unreadable, changes,
                                        refused="refused: kept version invalid")
            if outcome.ok:
                await asyncio.to_thread(self.installer.forget_after, folder)
            return outcome

    async def _apply(self, user_id: int | None, action: str, sources: list[Source], unreadable: list[Problem],
                     changes: Changes, refused: str = "refused: invalid") -> ReloadOutcome:
        """Check the directory with `changes`, write them, reload; put the files back if that fails."""
        checked = await self.check(with_changes(sources, changes))
        if unreadable or checked.kb is None:
            errors = unreadable + checked.errors
            self.store.audit(user_id, action, refused, f"{len(errors)} error(s)")
            return ReloadOutcome(False, errors)
        before = self.installer.snapshot(changes)
        try:
            await asyncio.to_thread(self.installer.write, changes)
        except OSError as error:     # a full disk, a file that cannot be replaced: put back what was written
            self.installer.write(before)
            self.store.audit(user_id, action, "failed: write", type(error).__name__)
            return ReloadOutcome(False, [Problem(Path(error.filename or "?").name, 1, 1,
                                                 N_("the file could not be written ({reason}), so it was put "
                                                    "back as it was"), {"reason": error.strerror or str(error)})])
        try:
            outcome = await self._reload(user_id, action)
        except BaseException:
            self.installer.write(before)     # cancelled or crashed while reloading: the old files stay
            raise
        if not outcome.ok:
            await asyncio.to_thread(self.installer.write, before)
        return outcome

    async def _reload(self, user_id: int | None, action: str) -> ReloadOutcome:
        sources, unreadable = await asyncio.to_thread(read_sources, self.knowledge_dir)
        result, engine = await asyncio.to_thread(self._load, sources)
        if unreadable:
            result = LoadResult(None, unreadable + result.problems)
        if result.kb is None or engine is None:
            self.store.audit(user_id, action, "failed", f"{len(result.errors)} error(s)")
            return ReloadOutcome(False, result.errors)
        changes = diff(self.engine.kb, result.kb)
        self.engine = engine        # the swap: one assignment, seen by the next question
        self.loaded_at = self.clock()
        for listener in self.listeners:
            listener(engine)
        await asyncio.to_thread(self.installer.keep, result.kb.version, sources)
        if not changes.nothing or self.store.version_info(result.kb.version) is None:
            self.store.record_version(result.kb.version, user_id, action)
        self.store.audit(user_id, action, "ok", f"version {result.kb.version}")
        return ReloadOutcome(True, result.warnings, changes, result.kb.version)
