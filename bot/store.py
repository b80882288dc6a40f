"""SQLite storage: user and chat settings, the unanswered log.

One file in BOT_DATA_DIR, WAL mode, schema version in PRAGMA user_version, migrated forward at
start-up. Every method is one short transaction, so calling it from the event loop is fine.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "sahabat.sqlite3"

# Each step takes the schema from version i to i+1. Append; never edit a released step.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        lang        TEXT NOT NULL,
        updated_at  REAL NOT NULL
    );
    CREATE TABLE chats (
        chat_id     INTEGER PRIMARY KEY,
        lang        TEXT,
        updated_at  REAL NOT NULL
    );
    CREATE TABLE unanswered (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        text        TEXT NOT NULL,
        lang        TEXT NOT NULL,
        chat_type   TEXT NOT NULL,
        best_score  REAL NOT NULL,
        created_at  REAL NOT NULL
    );
    CREATE INDEX unanswered_created ON unanswered(created_at);
    """,
]


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says where and why."""


@dataclass(frozen=True)
class Unanswered:
    text: str
    lang: str
    chat_type: str
    best_score: float
    created_at: float


class Store:
    def __init__(self, data_dir: Path, clock=time.time):
        self.path = Path(data_dir) / DATABASE_NAME
        self.clock = clock
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            self.db.execute("PRAGMA quick_check").fetchone()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot use the database {self.path}: {exc}. Check that BOT_DATA_DIR is writable; "
                             f"if the file is corrupt, move it away and start again (settings will be reset)") from exc

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(f"schema version {version} is newer than this program "
                                        f"({len(MIGRATIONS)}); upgrade the bot")
        for step in range(version, len(MIGRATIONS)):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, MIGRATIONS[step].split(";")):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {step + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    # -- languages ---------------------------------------------------------------------------
    def user_language(self, user_id: int) -> str | None:
        row = self.db.execute("SELECT lang FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return row[0] if row else None

    def set_user_language(self, user_id: int, lang: str) -> None:
        self.db.execute("INSERT INTO users(user_id, lang, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at",
                        (user_id, lang, self.clock()))

    def chat_language(self, chat_id: int) -> str | None:
        row = self.db.execute("SELECT lang FROM chats WHERE chat_id = ?", (chat_id,)).fetchone()
        return row[0] if row else None

    def set_chat_language(self, chat_id: int, lang: str) -> None:
        self.db.execute("INSERT INTO chats(chat_id, lang, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(chat_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at",
                        (chat_id, lang, self.clock()))

    # -- unanswered log ----------------------------------------------------------------------
    def log_unanswered(self, text: str, lang: str, chat_type: str, best_score: float) -> None:
        self.db.execute("INSERT INTO unanswered(text, lang, chat_type, best_score, created_at) VALUES (?, ?, ?, ?, ?)",
                        (text, lang, chat_type, float(best_score), self.clock()))

    def unanswered(self, limit: int = 100) -> list[Unanswered]:
        rows = self.db.execute("SELECT text, lang, chat_type, best_score, created_at FROM unanswered "
                               "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Unanswered(*row) for row in rows]
