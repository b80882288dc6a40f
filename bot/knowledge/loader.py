"""Read a knowledge directory, report every problem with file:line:column, build a KnowledgeBase.

Nothing here swaps anything in: a caller gets either a complete KnowledgeBase or the problems,
so a broken file can never replace a working knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from bot.knowledge.builder import Builder, Source
from bot.knowledge.located import MAX_FILE_BYTES, N_, Mark
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.phrasing_marks import PhrasingMarks
from bot.knowledge.problems import Msg, Problem
from bot.knowledge.sendable import unsendable
from bot.memory import gc_paused

__all__ = ["KNOWLEDGE_SUFFIXES", "LoadResult", "Msg", "Problem", "Source", "knowledge_files", "load_directory",
           "load_sources", "phrasing_problem", "read_sources"]

# Both spellings are read, everywhere (directory, upload, watch, history): a file is never skipped
# for its extension. Other capitalizations (.YAML) are refused loudly by read_sources.
KNOWLEDGE_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadResult:
    kb: KnowledgeBase | None
    problems: list[Problem]
    phrasing_marks: PhrasingMarks = field(default_factory=PhrasingMarks)
    # (entry id, language, position) → (file, mark) of each phrasing, for problems found later

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


def knowledge_files(directory: Path) -> list[Path]:
    """The knowledge files of `directory`: *.yaml and *.yml, except names starting with '_' or '.'."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.suffix in KNOWLEDGE_SUFFIXES and p.is_file() and not p.name.startswith(("_", ".")))


def read_sources(directory: Path) -> tuple[list[Source], list[Problem]]:
    directory = Path(directory)
    if not directory.is_dir():
        return [], [Problem(str(directory), 1, 1, N_("the knowledge directory does not exist"))]
    sources, problems = [], []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() in KNOWLEDGE_SUFFIXES and path.suffix not in KNOWLEDGE_SUFFIXES:
            problems.append(Problem(path.name, 1, 1, N_("{file} is not read because of its capital letters: "
                                                        "name it {fixed}"),
                                    {"file": path.name, "fixed": path.stem + path.suffix.lower()}))
    for path in knowledge_files(directory):
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:   # refuse before reading it into memory
            problems.append(Problem(path.name, 1, 1, N_("the file is {size} bytes; the limit is {limit} bytes"),
                                    {"size": size, "limit": MAX_FILE_BYTES}))
            continue
        sources.append(Source(path.name, path.read_bytes()))
    if not sources and not problems:
        problems.append(Problem(str(directory), 1, 1, N_("no .yaml or .yml files in the knowledge directory")))
    return sources, problems


def load_directory(directory: Path, strict: bool = False) -> LoadResult:
    sources, problems = read_sources(directory)
    result = load_sources(sources, strict=strict)
    result.problems[:0] = problems
    if problems:
        result.kb = None
    return result


def load_sources(sources: Iterable[Source], strict: bool = False) -> LoadResult:
    with gc_paused():
        return _load_sources(sources, strict)


def _load_sources(sources: Iterable[Source], strict: bool) -> LoadResult:
    builder = Builder(strict)
    sources = list(sources)
    builder.check_file_names(source.name for source in sources)
    for source in sources:
        builder.add_file(source)
    kb = builder.finish(sources)
    problems = builder.problems
    if kb is not None:
        problems += unsendable(kb)
    if any(not p.warning for p in problems):
        kb = None
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return LoadResult(kb, problems, builder.phrasing_marks)


def phrasing_problem(result: LoadResult, entry_id: str, lang: str, index: int, message: str,
                     params: dict[str, Any], warning: bool) -> Problem:
    """A problem about one phrasing, placed at its file:line (found after loading, by the engine)."""
    file, mark = result.phrasing_marks.get((entry_id, lang, index), ("?", Mark(1, 1)))
    return Problem(file, mark.line, mark.column, message, params, warning)
