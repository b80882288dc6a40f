"""SQLite storage: user and chat settings, the unanswered log.

One file in BOT_DATA_DIR, WAL mode, schema version in PRAGMA user_version, migrated forward at
start-up. Every method is one short transaction, so calling it from the event loop is fine.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
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
    """
    CREATE TABLE questions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          REAL NOT NULL,
        lang        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        entry_id    TEXT,
        chat_type   TEXT NOT NULL
    );
    CREATE INDEX questions_at ON questions(at);
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          REAL NOT NULL,
        user_id     INTEGER,
        action      TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        detail      TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE kb_versions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        version     TEXT NOT NULL,
        at          REAL NOT NULL,
        user_id     INTEGER,
        action      TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE groups (
        chat_id     INTEGER PRIMARY KEY,
        title       TEXT NOT NULL DEFAULT '',
        member      INTEGER NOT NULL DEFAULT 1,     -- the bot is in the group
        subscribed  INTEGER NOT NULL DEFAULT 0,
        languages   TEXT NOT NULL DEFAULT 'id,ko,en',
        updated_at  REAL NOT NULL
    );
    CREATE TABLE announcements (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at  REAL NOT NULL,
        created_by  INTEGER,                        -- NULL: an event reminder
        send_at     REAL NOT NULL,
        texts       TEXT NOT NULL,                  -- JSON {language: text}
        status      TEXT NOT NULL,                  -- scheduled, queued, done, cancelled
        dedupe_key  TEXT UNIQUE,                    -- event reminders: event|offset|start
        reported    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX announcements_due ON announcements(status, send_at);
    CREATE TABLE deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        announcement_id INTEGER NOT NULL REFERENCES announcements(id),
        chat_id         INTEGER NOT NULL,
        languages       TEXT NOT NULL,
        status          TEXT NOT NULL,              -- pending, sent, failed
        message_id      INTEGER,
        error           TEXT NOT NULL DEFAULT '',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        updated_at      REAL NOT NULL,
        UNIQUE (announcement_id, chat_id)
    );
    CREATE INDEX deliveries_pending ON deliveries(status, next_attempt_at);
    """,
    # Whether the bot has introduced itself in the group (at most once, even across a migration to a
    # supergroup). Groups known before this step were introduced when the bot joined them.
    """
    ALTER TABLE groups ADD COLUMN introduced INTEGER NOT NULL DEFAULT 1;
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
    # The question and unanswered logs are written in batches: one commit (one fsync) per row cost
    # as much as answering the question. A batch is written once it has LOG_BATCH_ROWS rows or its
    # oldest row is LOG_BATCH_AGE_S old, before any read of the logs, by `flush_logs` (the bot calls
    # it every second) and on close; a crash loses at most that much of the statistics, never a
    # setting or an announcement (those are committed at once).
    LOG_BATCH_ROWS = 200
    LOG_BATCH_AGE_S = 1.0

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time):
        self.path = Path(data_dir) / DATABASE_NAME
        self.clock = clock
        self._questions: list[tuple] = []
        self._unanswered: list[tuple] = []
        self._batch_started = 0.0          # time.monotonic() of the oldest row waiting
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
        self.flush_logs()
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

    # -- question and unanswered logs (batched, see LOG_BATCH_ROWS) ---------------------------
    def _log(self, batch: list[tuple], row: tuple) -> None:
        if not self._questions and not self._unanswered:
            self._batch_started = time.monotonic()
        batch.append(row)
        if (len(self._questions) + len(self._unanswered) >= self.LOG_BATCH_ROWS
                or time.monotonic() - self._batch_started >= self.LOG_BATCH_AGE_S):
            self.flush_logs()

    def flush_logs(self) -> None:
        """Write the logged rows still waiting, in one transaction."""
        if not self._questions and not self._unanswered:
            return
        questions, self._questions = self._questions, []
        unanswered, self._unanswered = self._unanswered, []
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO questions(at, lang, kind, entry_id, chat_type) VALUES (?, ?, ?, ?, ?)",
                                questions)
            self.db.executemany("INSERT INTO unanswered(text, lang, chat_type, best_score, created_at) "
                                "VALUES (?, ?, ?, ?, ?)", unanswered)
            self.db.execute("COMMIT")

    def log_unanswered(self, text: str, lang: str, chat_type: str, best_score: float) -> None:
        self._log(self._unanswered, (text, lang, chat_type, float(best_score), self.clock()))

    def unanswered(self, limit: int = 100, since: float = 0.0) -> list[Unanswered]:
        self.flush_logs()
        rows = self.db.execute("SELECT text, lang, chat_type, best_score, created_at FROM unanswered "
                               "WHERE created_at >= ? ORDER BY id DESC LIMIT ?", (since, limit)).fetchall()
        return [Unanswered(*row) for row in rows]

    def log_question(self, lang: str, kind: str, entry_id: str | None, chat_type: str) -> None:
        self._log(self._questions, (self.clock(), lang, kind, entry_id, chat_type))

    def question_breakdown(self, since: float) -> list[tuple[str, str, str | None, int]]:
        """(language, kind, entry id, count) of the questions since `since`: one pass over the rows."""
        self.flush_logs()
        return self.db.execute("SELECT lang, kind, entry_id, COUNT(*) FROM questions WHERE at >= ? "
                               "GROUP BY lang, kind, entry_id", (since,)).fetchall()

    # -- audit and knowledge-base versions ---------------------------------------------------
    def audit(self, user_id: int | None, action: str, outcome: str, detail: str = "") -> None:
        self.db.execute("INSERT INTO audit(at, user_id, action, outcome, detail) VALUES (?, ?, ?, ?, ?)",
                        (self.clock(), user_id, action, outcome, detail[:2000]))

    def audit_log(self, limit: int = 50) -> list[tuple]:
        return self.db.execute("SELECT at, user_id, action, outcome, detail FROM audit ORDER BY id DESC LIMIT ?",
                               (limit,)).fetchall()

    def record_version(self, version: str, user_id: int | None, action: str) -> None:
        self.db.execute("INSERT INTO kb_versions(version, at, user_id, action) VALUES (?, ?, ?, ?)",
                        (version, self.clock(), user_id, action))

    def version_info(self, version: str) -> tuple | None:
        """(installed at, by whom, how) of the latest record of `version`."""
        return self.db.execute("SELECT at, user_id, action FROM kb_versions WHERE version = ? ORDER BY id DESC "
                               "LIMIT 1", (version,)).fetchone()

    # -- administration helpers (bot/admin) --------------------------------------------------
    def unanswered_rows(self, since: float, limit: int = 1000) -> list[tuple[int, str, str]]:
        """(row id, text, language) of the unanswered questions since `since`, newest first."""
        self.flush_logs()
        return self.db.execute("SELECT id, text, lang FROM unanswered WHERE created_at >= ? ORDER BY id DESC LIMIT ?",
                               (since, limit)).fetchall()

    def forget_unanswered(self, ids: list[int]) -> int:
        """Remove these rows from the unanswered log (the question was taught); returns how many."""
        self.flush_logs()
        with self.db:
            cursor = self.db.executemany("DELETE FROM unanswered WHERE id = ?", [(i,) for i in ids])
        return cursor.rowcount

    def question_count(self, start: float, end: float) -> int:
        """Questions asked in [start, end) (seconds since the epoch)."""
        self.flush_logs()
        return self.db.execute("SELECT COUNT(*) FROM questions WHERE at >= ? AND at < ?", (start, end)).fetchone()[0]

    def unanswered_row(self, row_id: int) -> tuple[str, str] | None:
        """(text, language) of one unanswered-log row, or None when it is gone."""
        self.flush_logs()
        return self.db.execute("SELECT text, lang FROM unanswered WHERE id = ?", (row_id,)).fetchone()
