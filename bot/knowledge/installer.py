"""Knowledge files on disk: every version that was loaded is kept, so an administrator can go back.

Each successfully loaded version is copied into BOT_DATA_DIR/history/<stamp>-<version>/ (once per
version). Installing an uploaded file writes it atomically (temporary file + rename), so a crash
leaves the old or the new file, never half of one. Rollback restores the newest kept version that
differs from the current one and forgets the versions after it, so a second rollback goes further
back.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.loader import Source, knowledge_files

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}\.ya?ml$")
# Device names on Windows, whatever the extension: the knowledge files are exported, backed up and
# edited on administrators' machines, where con.yaml can be neither saved nor opened.
RESERVED_STEM = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)", re.IGNORECASE)


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


class Installer:
    def __init__(self, knowledge_dir: Path, data_dir: Path, clock: Callable[[], float] = time.time):
        self.knowledge_dir = Path(knowledge_dir)
        self.history_dir = Path(data_dir) / "history"
        self.clock = clock

    def sources_with(self, name: str, data: bytes) -> list[Source]:
        """The knowledge directory as it would be with `name` replaced by (or added as) `data`."""
        sources = [Source(p.name, p.read_bytes()) for p in knowledge_files(self.knowledge_dir) if p.name != name]
        return sorted(sources + [Source(name, data)], key=lambda s: s.name)

    def folder_of(self, version: str) -> Path | None:
        return next((p for p in reversed(self.versions()) if p.name.endswith(f"-{version}")), None)

    def keep(self, version: str, sources: list[Source]) -> Path | None:
        """Remember a loaded version (once). Returns its folder when it was new."""
        if self.folder_of(version) is not None:
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self.clock()))
        folder = self.history_dir / f"{stamp}-{len(self.versions()):04d}-{version}"
        folder.mkdir(parents=True)
        for source in sources:
            (folder / source.name).write_bytes(source.data)
        return folder

    def versions(self) -> list[Path]:
        """Kept versions, oldest first."""
        if not self.history_dir.is_dir():
            return []
        return sorted((p for p in self.history_dir.iterdir() if p.is_dir()), key=lambda p: p.name)

    def install(self, name: str, data: bytes) -> None:
        _write_atomically(self.knowledge_dir / name, data)

    def previous(self, current_version: str) -> Path | None:
        """The newest kept version other than the current one."""
        for folder in reversed(self.versions()):
            if not folder.name.endswith(f"-{current_version}"):
                return folder
        return None

    @staticmethod
    def sources_of(folder: Path) -> list[Source]:
        return [Source(p.name, p.read_bytes()) for p in knowledge_files(folder)]

    def rollback(self, folder: Path) -> None:
        """Make the knowledge directory hold exactly `folder`'s files; forget the versions after it."""
        wanted = {source.name: source.data for source in self.sources_of(folder)}
        for name, data in wanted.items():
            _write_atomically(self.knowledge_dir / name, data)
        for path in knowledge_files(self.knowledge_dir):
            if path.name not in wanted:
                path.unlink()
        for later in self.versions():
            if later.name > folder.name:
                shutil.rmtree(later)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
