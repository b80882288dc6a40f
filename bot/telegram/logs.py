"""Logging for `python -m bot run`: one line per event, at BOT_LOG_LEVEL, and nothing a user wrote.

Guards, all on the one handler, so they hold whichever logger writes:
  - the token and the webhook secret are replaced wherever they appear (request URLs contain the token);
  - python-telegram-bot's few log lines that dump what Telegram sent or what the bot sends
    (an update it cannot parse, a request's parameters at DEBUG) lose their content;
  - a library's error is one line, its exception named at the end (a network failure while
    stopping is an event, not a bug to trace);
  - a traceback (of the bot's own errors) keeps its frames and the exception types, and the
    message only of exceptions that describe the bot's own state (Telegram's answers, network and
    file errors, the bot's own exceptions): a ValueError or a KeyError may quote the text that caused it.
Libraries that log every request or every scheduler tick are held at WARNING, so an idle bot is
silent; start-up, reloads, administrator actions, delivery reports, warnings and errors remain.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from types import TracebackType

from bot.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that write a line per request or per scheduler tick (apscheduler: 'Running job ...' twice a
# second), or whose DEBUG lines hold request parameters and updates (httpx, httpcore, telegram).
QUIET = {"apscheduler": logging.WARNING, "httpx": logging.WARNING, "httpcore": logging.WARNING,
         "tornado.access": logging.WARNING, "telegram": logging.INFO}
# python-telegram-bot's messages that carry an update's or a request's content, by their fixed part.
PAYLOAD_MESSAGES = ("Received data was", "Processing update", "Dropping pending update", "Webhook received data",
                    "Calling Bot API endpoint", "Pulled updates will be ignored")
# Exceptions whose message describes the bot's state, not a user's input.
SAFE_MODULES = ("telegram", "httpx", "httpcore", "bot", "sqlite3", "asyncio", "concurrent")


class RedactSecrets(logging.Filter):
    """Replaces the token (and webhook secret) in every log record: request URLs contain the token."""

    def __init__(self, *secrets: str | None):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = SafeFormatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, self.redact(text)
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text


class DropPayloads(logging.Filter):
    """python-telegram-bot's lines that would quote an update or a request lose that content (and
    the traceback, whose exception may quote it too); what happened stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and isinstance(record.msg, str):
            marker = next((m for m in PAYLOAD_MESSAGES if m in record.msg), None)
            if marker is not None:
                kind = type(record.exc_info[1]).__name__ if record.exc_info and record.exc_info[1] else None
                record.msg = record.msg.split(marker)[0].rstrip(" :.!") + f" ({marker.lower()}: not logged"
                record.msg += f"; {kind})" if kind else ")"
                record.args, record.exc_info, record.exc_text = None, None, None
        return True


class OneLineLibraryErrors(logging.Filter):
    """A library's log line with an exception: the exception's type (and its message when it
    describes state) at the end of the line instead of a traceback."""

    LIBRARIES = ("telegram", "apscheduler", "tornado", "httpx", "httpcore", "asyncio")

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and record.name.split(".")[0] in self.LIBRARIES:
            detail = f"{type(error).__name__}: {error}" if _describes_state(error) and str(error) else \
                type(error).__name__
            record.msg, record.args = f"{record.getMessage()} ({detail})", None
            record.exc_info, record.exc_text = None, None
            if isinstance(error, asyncio.CancelledError):       # a job cut short by a stop (stopping.py)
                record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class SafeFormatter(logging.Formatter):
    """Tracebacks without the messages of exceptions that may quote input (see the module docstring)."""

    def formatException(self, ei: tuple[type[BaseException], BaseException, TracebackType | None]  # noqa: N802
                        | tuple[None, None, None]) -> str:
        error = ei[1]
        if error is None:
            return super().formatException(ei)
        lines = []
        for part in traceback.TracebackException.from_exception(error).format():
            lines.append(part)
        text = "".join(lines).rstrip("\n")
        for shown in _chain(error):
            if not _describes_state(shown) and str(shown):
                text = text.replace(f"{_qualified(shown)}: {shown}", f"{_qualified(shown)}: (message not logged)")
        return text


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return seen


def _qualified(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"


def _describes_state(error: BaseException) -> bool:
    if isinstance(error, (OSError, asyncio.TimeoutError, asyncio.CancelledError)):
        return True
    return type(error).__module__.split(".")[0] in SAFE_MODULES


def configure_logging(settings: Settings) -> None:
    """Log to standard error at `settings.log_level` through the guards above."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    handler.addFilter(DropPayloads())
    handler.addFilter(OneLineLibraryErrors())
    handler.addFilter(RedactSecrets(settings.token_value,
                                   settings.webhook_secret.get_secret_value() if settings.webhook_secret else None))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = logging.getLevelName(settings.log_level)
    root.setLevel(level)
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(level, floor))
