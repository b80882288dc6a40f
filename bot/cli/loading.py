"""The engine a command works with: from the engine cache when the files are unchanged, else
built afresh; errors printed in the configured language."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from bot.config import Settings
from bot.memory import gc_paused

if TYPE_CHECKING:
    from bot.engine.answer import Engine


def run_later(later: list[Callable[[], None]]) -> None:
    """Do the work put off until an answer was shown (writing the engine cache), in order."""
    while later:
        later.pop(0)()


def load_engine(kb_dir: Path, settings: Settings, later: list[Callable[[], None]] | None = None) -> Engine | None:
    """The engine of `kb_dir`, or None after printing the errors (catalogs missing, knowledge base
    invalid) to standard error. `later` receives the cache writing, to run once an answer is out."""
    from bot.engine.cache import load_engine as load_cached
    from bot.engine.decision import Traffic
    from bot.i18n import CatalogError, Catalogs
    try:
        catalogs = Catalogs(settings.locales_dir)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    with gc_paused():
        engine, problems = load_cached(kb_dir, catalogs, settings.data_dir / "cache", settings.default_language,
                                       Traffic.of(settings), later)
        # The engine lives as long as this command: the collector need never look through its millions
        # of objects for cycles (on a large base that look costs a third of a second, before the answer).
        gc.freeze()
    if engine is None:
        gettext = catalogs.for_language(settings.default_language)
        for problem in problems:
            if not problem.warning:
                print(problem.render(gettext), file=sys.stderr)
        return None
    return engine
