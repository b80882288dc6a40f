"""The current knowledge base and its reloads.

A reload reads and validates everything in a worker thread (questions keep being answered on the
old engine meanwhile), then swaps the engine in one assignment: a question that has started holds
its own reference to the old engine and finishes on it; the next one uses the new engine. A
knowledge base with errors is never swapped in.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bot.engine.answer import Engine
from bot.engine.cache import engine_for
from bot.engine.decision import Traffic
from bot.i18n import Catalogs
from bot.knowledge.diff import KbDiff, diff
from bot.knowledge.installer import Installer
from bot.knowledge.loader import LoadResult, Problem, Source, read_sources
from bot.store import Store


@dataclass
class ReloadOutcome:
    ok: bool
    problems: list[Problem] = field(default_factory=list)     # errors when not ok, else warnings
    diff: KbDiff | None = None
    version: str | None = None


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
        sources, problems = read_sources(self.knowledge_dir)
        if not problems:
            self.installer.keep(engine.kb.version, sources)

    async def check(self, sources: list[Source]) -> LoadResult:
        """Validate files without installing anything (uploads, rollbacks): the loader's problems
        and the engine's (phrasings too alike to tell apart)."""
        result, _engine = await asyncio.to_thread(self._load, sources)
        return result

    def _load(self, sources: list[Source]) -> tuple[LoadResult, Engine | None]:
        return engine_for(sources, self.catalogs, self.cache_dir, self.default_language, self.traffic)

    async def reload(self, user_id: int | None, action: str) -> ReloadOutcome:
        async with self._lock:          # two reloads at once would race to swap
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
