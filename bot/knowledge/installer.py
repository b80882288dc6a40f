"""Knowledge files on disk: every change is written atomically, every loaded version is kept, and
every process that changes the directory takes the same lock first.

Each successfully loaded version is copied into BOT_DATA_DIR/history/<stamp>-<version>/ (once per
version). A file is written to a temporary name and renamed over the old one, so a crash leaves the
old or the new file, never half of one. Rollback restores the newest kept version that differs from
the current one and, once that version is loaded, forgets the versions after it, so a second
rollback goes further back.

`ChangeLock` is an advisory `flock` on BOT_DATA_DIR/knowledge.lock: the running bot and the command
line (another process) take it around every read-check-write-reload of the directory, so two
changes never interleave.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from bot.knowledge.builder import content_version
from bot.knowledge.loader import Source, knowledge_files

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}\.ya?ml$")
# Device names on Windows, whatever the extension: the knowledge files are exported, backed up and
# edited on administrators' machines, where con.yaml can be neither saved nor opened.
RESERVED_STEM = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)", re.IGNORECASE)
LOCK_NAME = "knowledge.lock"

Changes = Mapping[str, bytes | None]      # file name → its new bytes, or None to remove it


class InstallError(ValueError):
    pass


def safe_file_name(name: str | None) -> str:
    """The uploaded file's name if it is a plain .yaml or .yml name (no path, no hidden file, no
    device name such as con.yaml), else raise InstallError.
    The name is kept as it is: the directory reads both extensions, and kitb.yml next to kitb.yaml
    is refused by the loader rather than silently becoming a second file."""
    name = (name or "").strip()
    if not SAFE_NAME.match(name) or RESERVED_STEM.match(name):
        raise InstallError(name)
    return name


class ChangeLock:
    """An exclusive `flock` on one file, shared by every process that changes the knowledge
    directory. Two opens of the file hold two separate locks, so two services in one process
    exclude each other too."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def try_acquire(self) -> int | None:
        """A held lock's file descriptor, or None when another holder has it (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def acquire(self) -> int:
        """Wait for the lock; its file descriptor."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    @staticmethod
    def release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class Installer:
    def __init__(self, knowledge_dir: Path, data_dir: Path, clock: Callable[[], float] = time.time):
        self.knowledge_dir = Path(knowledge_dir)
        self.history_dir = Path(data_dir) / "history"
        self.lock = ChangeLock(Path(data_dir) / LOCK_NAME)
        self.clock = clock

    def read(self) -> list[Source]:
        """The knowledge files as they are on disk now."""
        return [Source(p.name, p.read_bytes()) for p in knowledge_files(self.knowledge_dir)]

    def version_on_disk(self) -> str:
        """The content version of the files on disk (equal to the loaded base's when nothing changed)."""
        return content_version(self.read())

    def sources_with(self, name: str, data: bytes) -> list[Source]:
        """The knowledge directory as it would be with `name` replaced by (or added as) `data`."""
        return with_changes(self.read(), {name: data})

    def folder_of(self, version: str) -> Path | None:
        return next((p for p in reversed(self.versions()) if p.name.endswith(f"-{version}")), None)

    def keep(self, version: str, sources: list[Source]) -> Path | None:
        """Remember a loaded version (once). Returns its folder when it was new."""
        if self.folder_of(version) is not None:
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self.clock()))
        folder = self.history_dir / f"{stamp}-{len(self.versions()):04d}-{version}"
        temporary = self.history_dir / f".{folder.name}.tmp"
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        for source in sources:
            (temporary / source.name).write_bytes(source.data)
        os.replace(temporary, folder)       # a kept version is complete or absent
        return folder

    def versions(self) -> list[Path]:
        """Kept versions, oldest first."""
        if not self.history_dir.is_dir():
            return []
        return sorted((p for p in self.history_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name)

    def previous(self, current_version: str) -> Path | None:
        """The newest kept version other than the current one."""
        for folder in reversed(self.versions()):
            if not folder.name.endswith(f"-{current_version}"):
                return folder
        return None

    @staticmethod
    def sources_of(folder: Path) -> list[Source]:
        return [Source(p.name, p.read_bytes()) for p in knowledge_files(folder)]

    def changes_to(self, folder: Path) -> dict[str, bytes | None]:
        """What makes the knowledge directory hold exactly `folder`'s files."""
        wanted: dict[str, bytes | None] = {source.name: source.data for source in self.sources_of(folder)}
        for path in knowledge_files(self.knowledge_dir):
            wanted.setdefault(path.name, None)
        return wanted

    def forget_after(self, folder: Path) -> None:
        """Forget the kept versions newer than `folder` (after a rollback to it)."""
        for later in self.versions():
            if later.name > folder.name:
                shutil.rmtree(later)

    def snapshot(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """The current bytes of each named file (None: absent), to put back with `write`."""
        taken: dict[str, bytes | None] = {}
        for name in names:
            path = self.knowledge_dir / _plain(name)
            taken[name] = path.read_bytes() if path.is_file() else None
        return taken

    def write(self, changes: Changes) -> None:
        """Write (or, for None, remove) each file atomically. Names are checked first, so nothing
        outside the knowledge directory is ever touched."""
        for name in changes:
            _plain(name)
        for name, data in changes.items():
            path = self.knowledge_dir / name
            if data is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomically(path, data)
        _sync_directory(self.knowledge_dir)


def _plain(name: str) -> str:
    """`name` if it names a file directly inside a directory (hand-placed files may have any such
    name; uploads are held to `safe_file_name` before they get here)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise InstallError(name)
    return name


def with_changes(sources: list[Source], changes: Changes) -> list[Source]:
    """`sources` with `changes` applied, in name order."""
    kept = {source.name: source.data for source in sources}
    for name, data in changes.items():
        if data is None:
            kept.pop(name, None)
        else:
            kept[name] = data
    return [Source(name, kept[name]) for name in sorted(kept)]


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)       # gone after the rename; a failed write leaves no litter


def _sync_directory(directory: Path) -> None:
    """Make the renames durable: a crash after this keeps the new names."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
