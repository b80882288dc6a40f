"""Engines kept on disk: a start-up, a reload after a checked upload, or a rollback to a recent
version does not build the same engine twice.

Loading, validating, indexing and calibrating a 10,000-entry base takes seconds; reading the same
files again should not. The cache key is a SHA-256 of the knowledge files (names and bytes), the
calibration's traffic and costs, and the source of the whole package, so any change to the
files or to the code builds afresh. Only a base without errors is kept, and a cache file that
cannot be read is ignored and rebuilt.

Costs: disk space in BOT_DATA_DIR/cache (about 4.5 MB per 1,000 entries; the newest
`KEEP` files are kept), and the first start after a change pays the full build plus writing the
file (the command line's `ask` writes it after its first answer, see `engine_for`'s `later`).
The cache is a pickle: it is trusted like the database next to it, so the data directory must be
writable by the bot alone.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import importlib.metadata
import logging
import os
import pickle
import tempfile
import types
from pathlib import Path
from typing import Any, Callable

import bot
from bot.engine.answer import Engine, build_engine
from bot.engine.decision import Traffic
from bot.i18n import Catalogs
from bot.knowledge.loader import LoadResult, Problem, Source, load_sources, read_sources
from bot.knowledge.phrasing_marks import PhrasingMarks
from bot.memory import gc_paused

log = logging.getLogger(__name__)

KEEP = 3


def _proxy(mapping: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(mapping)


def _reduce_proxy(proxy: types.MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _proxy, (dict(proxy),)


copyreg.pickle(types.MappingProxyType, _reduce_proxy)


@functools.cache
def code_version() -> str:
    """A hash of the package's source and of the word lists it stems with (wordfreq's version):
    any change builds afresh. Computed once per process, from the code as it was when first needed
    (the code that is running)."""
    digest = hashlib.sha256(importlib.metadata.version("wordfreq").encode())
    root = Path(bot.__file__).parent
    for file in sorted(root.rglob("*.py")):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


Later = list[Callable[[], None]]


def load_engine(directory: Path, catalogs: Catalogs, cache_dir: Path | None, default_language: str = "en",
                traffic: Traffic = Traffic(), later: Later | None = None) -> tuple[Engine | None, list[Problem]]:
    """The engine of `directory` and its problems (see `engine_for`)."""
    sources, unreadable = read_sources(directory)
    if unreadable:
        return None, unreadable + load_sources(sources).problems
    result, engine = engine_for(sources, catalogs, cache_dir, default_language, traffic, later)
    return engine, result.problems


def engine_for(sources: list[Source], catalogs: Catalogs, cache_dir: Path | None, default_language: str = "en",
               traffic: Traffic = Traffic(), later: Later | None = None) -> tuple[LoadResult, Engine | None]:
    """The load result and engine of these knowledge files, from `cache_dir` when the files, the
    traffic and costs and the code are unchanged; otherwise loaded and built (`bot.engine.answer.build_engine`), and
    kept when there is no error. An upload checked before its install, and a rollback to a recent
    version, find the engine already built. `cache_dir` None: always build. Never raises for a
    broken or missing cache file. A cached result carries no phrasing positions (the engine's own
    problems are already in it). With `later`, a new cache file is not written but its writing
    appended there, for the caller to run when it has time (after a command's first answer)."""
    key = hashlib.sha256(f"{code_version()}|{traffic}".encode())
    for source in sources:
        key.update(source.name.encode() + b"\0" + hashlib.sha256(source.data).digest())
    path = cache_dir / f"engine-{key.hexdigest()[:40]}.pickle" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as file:
                kb, index, calibration, problems = pickle.load(file)
            path.touch()
            return LoadResult(kb, problems), Engine.restore(kb, index, calibration, catalogs, default_language)
        except Exception as exc:      # an old or damaged file: build afresh
            log.warning("ignoring the engine cache %s: %s", path.name, exc)
    # The collector would scan the new base and index again and again while the checks and the
    # calibration allocate around them, finding nothing to free: over a second on 10,000 entries.
    with gc_paused():
        result = load_sources(sources)
        engine, result.problems = build_engine(result, catalogs, default_language, traffic)
    # The engine's problems are placed: the phrasings' positions are read no more (a cached result
    # has none either), and on a large base they are tens of megabytes while the cache is written.
    result.phrasing_marks = PhrasingMarks()
    if engine is not None and path is not None:
        keep = functools.partial(_keep, path, (engine.kb, engine.index, engine.calibration, result.problems))
        if later is None:
            keep()
        else:
            later.append(keep)
    return result, engine


def _keep(path: Path, state: tuple[Any, ...]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
            pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)
        kept = sorted(path.parent.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:           # a read-only or full disk only costs the next start its speed
        log.warning("could not keep the engine cache: %s", exc)
