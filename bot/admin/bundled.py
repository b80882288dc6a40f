"""The live knowledge directory and the bundled base a release ships.

The bot answers from the live directory (BOT_KNOWLEDGE_DIR, by default BOT_DATA_DIR/knowledge),
which administrators change. The bundled base (`knowledge/` in the package) only seeds it: on the
first start it is copied there, and a later release's bundled base replaces it only while no
administrator has changed it. Once they have, a new release never touches their files; `kb upgrade`
shows what the new bundled base would change and installs it through the same path as an upload.

A marker file in the live directory (`.bundled.json`, ignored by the loader) records the bundled
base the directory last took: its version and each file's SHA-256. Against it, each file is
  - same:     the live file is the bundled one already;
  - take:     the live file is still the one the directory took (or both lack it): the new
              bundled file replaces it (or its removal removes it);
  - keep:     an administrator changed it and the release did not: theirs stays;
  - conflict: both changed it: theirs stays.
`kb upgrade --take-bundled NAME` replaces an administrator's file (keep or conflict) all the same.
Seeding is following from an empty base (the marker is written first, listing no file), and each
file is written atomically, so a start interrupted half-way finishes at the next start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.knowledge.builder import Source
from bot.knowledge.builder import content_version as version_of_sources
from bot.knowledge.loader import knowledge_files

MARKER = ".bundled.json"
Action = Literal["same", "take", "keep", "conflict"]
log = logging.getLogger(__name__)


class BundledError(ValueError):
    """The live directory cannot be prepared (unwritable, or its marker unreadable); says which path."""


@dataclass(frozen=True)
class FileStep:
    name: str
    action: Action
    bundled: bytes | None           # the bundled file of this release; None when the release has none
    live_exists: bool


@dataclass(frozen=True)
class BundledPlan:
    """How the live directory stands against the bundled base of this release."""
    release: str                    # version of this release's bundled base (as /kbversion shows it)
    adopted: str | None             # version the live directory last took; None: never seeded from it
    steps: tuple[FileStep, ...]     # one per file name in the bundled base, the live directory or the marker
    told: str | None = None         # the release the administrators were last told about

    @property
    def changed_by_administrators(self) -> bool:
        return any(step.action in ("keep", "conflict") for step in self.steps)

    @property
    def up_to_date(self) -> bool:
        """The directory holds this release's bundled base, or took it and kept changes on top."""
        return self.adopted == self.release and not any(step.action == "take" for step in self.steps)

    def of(self, *actions: Action) -> list[FileStep]:
        return [step for step in self.steps if step.action in actions]

    def changes(self, take_bundled: Iterable[str] = ()) -> dict[str, bytes | None]:
        """What installing this release's bundled base writes: every `take` file, and the files of
        administrators (`keep`, `conflict`) named in `take_bundled` (file name → bytes, None to remove it)."""
        chosen = set(take_bundled)
        return {step.name: step.bundled for step in self.steps
                if step.action == "take" or (step.action in ("keep", "conflict") and step.name in chosen)}


def file_versions(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in knowledge_files(directory)}


def content_version(files: Mapping[str, bytes]) -> str:
    """The version the loader gives the same files (file name → bytes)."""
    return version_of_sources(Source(name, data) for name, data in files.items())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_marker(live_dir: Path) -> dict | None:
    """The marker's contents; None when the directory has none. BundledError when it is unreadable."""
    path = Path(live_dir) / MARKER
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BundledError(f"cannot read {path}: {exc.strerror}") from None
    try:
        marker = json.loads(text)
        if not isinstance(marker, dict) or not isinstance(marker.get("files", {}), dict):
            raise ValueError("not an object with 'files'")
    except ValueError as exc:
        raise BundledError(f"{path} is not a marker this bot wrote ({exc}); move it away to start again") from None
    return marker


def plan(live_dir: Path, bundled_dir: Path) -> BundledPlan:
    """Compare the live directory with the bundled base, file by file, against the marker."""
    marker = read_marker(live_dir) or {}
    taken: dict[str, str] = marker.get("files", {})
    bundled = file_versions(bundled_dir)
    live = {name: _sha(data) for name, data in file_versions(live_dir).items()}
    steps = []
    for name in sorted(set(bundled) | set(live) | set(taken)):
        new = _sha(bundled[name]) if name in bundled else None
        now, then = live.get(name), taken.get(name)
        action: Action
        if now == new:
            action = "same"
        elif now == then:
            action = "take"
        elif then == new:
            action = "keep"
        else:
            action = "conflict"
        steps.append(FileStep(name, action, bundled.get(name), name in live))
    return BundledPlan(content_version(bundled), marker.get("release"), tuple(steps), marker.get("told"))


def needs_seeding(live_dir: Path) -> bool:
    """A live directory that does not exist yet, or holds no knowledge file and no marker."""
    live_dir = Path(live_dir)
    return not (live_dir / MARKER).exists() and not knowledge_files(live_dir)


def follows_bundled(live_dir: Path, bundled_dir: Path) -> bool:
    """True when preparing the live directory would make it the bundled base: it is to be seeded,
    or it was seeded and no administrator has changed it since."""
    if Path(live_dir).resolve() == Path(bundled_dir).resolve():
        return True
    if needs_seeding(live_dir):
        return True
    if read_marker(live_dir) is None:
        return False
    return not plan(live_dir, bundled_dir).changed_by_administrators


def reading_dir(live_dir: Path, bundled_dir: Path) -> Path:
    """Where a command that only reads (chat, ask, kb check, kb eval) finds what the bot would
    answer from, without writing anything: the bundled base while the live directory follows it."""
    try:
        return Path(bundled_dir) if follows_bundled(live_dir, bundled_dir) else Path(live_dir)
    except (BundledError, OSError):
        return Path(live_dir)           # the loader reports what is wrong with it, at its path


@dataclass(frozen=True)
class Prepared:
    """What `prepare` did: 'bundled' (the live directory is the bundled one), 'own' (a directory
    the bot never seeded: left alone), 'seeded', 'followed' (from `before` to `plan.release`),
    'current', or 'kept' (administrators' changes stay; `plan.up_to_date` tells whether this
    release's bundled base differs from what they took)."""
    what: Literal["bundled", "own", "seeded", "followed", "current", "kept"]
    plan: BundledPlan | None = None
    before: str | None = None


def prepare(live_dir: Path, bundled_dir: Path) -> Prepared:
    """Make the live directory ready before the bot loads it: seed it, or bring an untouched one
    to this release's bundled base. Never changes a file an administrator changed.
    BundledError (naming the path) when it cannot write there."""
    live_dir, bundled_dir = Path(live_dir), Path(bundled_dir)
    if live_dir.resolve() == bundled_dir.resolve():
        return Prepared("bundled")
    try:
        seeding = needs_seeding(live_dir)
        if seeding:
            live_dir.mkdir(parents=True, exist_ok=True)
            write_marker(live_dir, None, {})
        elif read_marker(live_dir) is None:
            # A directory of someone's own files, never seeded by the bot: theirs to manage.
            return Prepared("own")
        current = plan(live_dir, bundled_dir)
        if current.changed_by_administrators or current.up_to_date:
            return Prepared("kept" if current.changed_by_administrators else "current", current)
        write_files(live_dir, current.changes())
        record(live_dir, current)
    except OSError as exc:
        raise BundledError(f"cannot prepare the knowledge directory {live_dir}: {exc.strerror or exc}") from None
    if seeding:
        log.info("knowledge: %s seeded with the bundled base, version %s", live_dir, current.release)
        return Prepared("seeded", current)
    log.info("knowledge: %s follows the bundled base of this release, version %s (was %s; no administrator "
             "had changed it)", live_dir, current.release, current.adopted)
    return Prepared("followed", current, current.adopted)


def record(live_dir: Path, taken: BundledPlan, told: str | None = None) -> None:
    """Remember that the live directory has taken `taken.release` (after installing it)."""
    files = {step.name: _sha(step.bundled) for step in taken.steps if step.bundled is not None}
    write_marker(live_dir, taken.release, files, told)


def mark_told(live_dir: Path, release: str) -> None:
    """Remember that the administrators were told about `release`, so they are told once."""
    marker = read_marker(live_dir) or {}
    write_marker(live_dir, marker.get("release"), marker.get("files", {}), release)


def write_marker(live_dir: Path, release: str | None, files: Mapping[str, str], told: str | None = None) -> None:
    data = json.dumps({"release": release, "files": dict(sorted(files.items())), "told": told}, indent=1)
    _write_atomically(Path(live_dir) / MARKER, data.encode())


def write_files(live_dir: Path, changes: Mapping[str, bytes | None]) -> None:
    for name, data in changes.items():
        path = Path(live_dir) / name
        if data is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomically(path, data)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
