"""Installing an uploaded knowledge file, with history for rollback.

Every change first copies the knowledge files as they are into BOT_DATA_DIR/history/<stamp>/, then
writes the new file atomically (temporary file + rename), so a crash leaves either the old or the
new file, never half of one. Rollback restores the newest snapshot and removes it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from bot.knowledge.loader import Source, knowledge_files

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}\.ya?ml$")


class InstallError(ValueError):
    pass


def safe_file_name(name: str | None) -> str:
    """The uploaded file's name if it is a plain .yaml name (no path, no hidden file), else raise."""
    name = (name or "").strip()
    if not SAFE_NAME.match(name) or name.startswith(("_", ".")):
        raise InstallError(name)
    return name[:-4] + ".yaml" if name.endswith(".yml") else name


class Installer:
    def __init__(self, knowledge_dir: Path, data_dir: Path, clock=time.time):
        self.knowledge_dir = Path(knowledge_dir)
        self.history_dir = Path(data_dir) / "history"
        self.clock = clock

    def sources_with(self, name: str, data: bytes) -> list[Source]:
        """The knowledge directory as it would be with `name` replaced by (or added as) `data`."""
        sources = [Source(p.name, p.read_bytes()) for p in knowledge_files(self.knowledge_dir) if p.name != name]
        return sorted(sources + [Source(name, data)], key=lambda s: s.name)

    def snapshot(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self.clock()))
        target = self.history_dir / stamp
        n = 1
        while target.exists():
            n += 1
            target = self.history_dir / f"{stamp}-{n}"
        target.mkdir(parents=True)
        for path in knowledge_files(self.knowledge_dir):
            shutil.copy2(path, target / path.name)
        return target

    def install(self, name: str, data: bytes) -> Path:
        """Snapshot, then write `name` atomically. Returns the snapshot folder."""
        snapshot = self.snapshot()
        _write_atomically(self.knowledge_dir / name, data)
        return snapshot

    def snapshots(self) -> list[Path]:
        if not self.history_dir.is_dir():
            return []
        return sorted((p for p in self.history_dir.iterdir() if p.is_dir()), key=lambda p: p.name)

    def latest_snapshot_sources(self) -> list[Source] | None:
        snapshots = self.snapshots()
        if not snapshots:
            return None
        return [Source(p.name, p.read_bytes()) for p in sorted(snapshots[-1].glob("*.yaml"))]

    def rollback(self) -> Path:
        """Make the knowledge directory what the newest snapshot holds, then drop that snapshot."""
        snapshots = self.snapshots()
        if not snapshots:
            raise InstallError("no snapshot")
        latest = snapshots[-1]
        wanted = {p.name: p.read_bytes() for p in latest.glob("*.yaml")}
        for name, data in wanted.items():
            _write_atomically(self.knowledge_dir / name, data)
        for path in knowledge_files(self.knowledge_dir):
            if path.name not in wanted:
                path.unlink()
        shutil.rmtree(latest)
        return latest


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
