"""The log guards of `python -m bot run` (bot/telegram/logs.py) and the BOT_LOG_LEVEL setting."""

from __future__ import annotations

import io
import logging

import pytest
from telegram.error import BadRequest

from bot.config import ConfigError, Settings
from bot.telegram.logs import configure_logging

TOKEN = "4242:very-secret-token"
USER_TEXT = "teks rahasia pengguna"


@pytest.fixture
def written():
    """configure_logging as `run` does it, writing into a buffer; the root logger restored after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {name: logging.getLogger(name).level
                                            for name in ("apscheduler", "telegram", "httpx", "httpcore")})
    buffer = io.StringIO()

    def configure(**settings):
        configure_logging(Settings(_env_file=None, token=TOKEN, **settings))
        root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
        return buffer
    yield configure
    root.handlers[:], level, levels = saved
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


def raise_and_log(logger: logging.Logger, error: Exception, message: str = "it failed") -> None:
    try:
        raise error
    except Exception:
        logger.exception(message)


def test_the_token_never_appears_not_even_in_a_traceback(written):
    out = written()
    log = logging.getLogger("bot.test")
    log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    raise_and_log(log, OSError(f"cannot open /bot{TOKEN}/x"))
    text = out.getvalue()
    assert TOKEN not in text and "[redacted]" in text and "Traceback" in text


def test_python_telegram_bot_never_writes_what_telegram_sent(written):
    out = written()
    updates = [{"update_id": 7, "message": {"text": USER_TEXT}}]
    try:
        raise TypeError("Message.__init__() missing 1 required positional argument: 'chat'")
    except TypeError as error:
        logging.getLogger("telegram.Bot").critical("Error while parsing updates! Received data was %r", updates,
                                                   exc_info=error)
    logging.getLogger("telegram.ext.Updater").critical(
        "Something went wrong processing the data received from Telegram. Received data was *not* processed!",
        exc_info=ValueError(USER_TEXT))
    logging.getLogger("telegram.ext.Application").info("Processing update %s", updates[0])
    text = out.getvalue()
    assert USER_TEXT not in text
    assert "Error while parsing updates (received data was: not logged; TypeError)" in text
    assert "Traceback" not in text


def test_a_traceback_keeps_frames_and_states_but_not_a_message_that_may_quote_input(written):
    out = written()
    log = logging.getLogger("bot.telegram.errors")
    raise_and_log(log, ValueError(f"invalid literal for int() with base 10: '{USER_TEXT}'"))
    raise_and_log(log, KeyError(USER_TEXT))
    raise_and_log(log, BadRequest("Message is too long"))
    try:
        try:
            raise ValueError(USER_TEXT)
        except ValueError as inner:
            raise RuntimeError("while handling") from inner
    except RuntimeError:
        log.exception("chained")
    text = out.getvalue()
    assert USER_TEXT not in text
    assert "ValueError: (message not logged)" in text and "KeyError: (message not logged)" in text
    assert "telegram.error.BadRequest: Message is too long" in text      # Telegram's answer: kept
    assert 'File "' in text and "raise_and_log" in text                # the frames stay


def test_a_library_error_is_one_line(written):
    out = written()
    raise_and_log(logging.getLogger("telegram.ext.Updater"), BadRequest("Bad Gateway"), "Error while calling")
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("Error while calling (BadRequest: Bad Gateway)")


@pytest.mark.parametrize("level, shown, hidden", [
    ("WARNING", ["WARNING bot"], ["INFO bot", "DEBUG bot"]),
    ("info", ["INFO bot", "WARNING bot"], ["DEBUG bot", "INFO apscheduler"]),
    ("DEBUG", ["DEBUG bot", "INFO telegram"], ["DEBUG telegram", "DEBUG httpx", "INFO apscheduler"]),
])
def test_the_level_is_a_setting_and_chatty_libraries_stay_quiet(written, level, shown, hidden):
    out = written(log_level=level)
    for name in ("bot", "telegram", "httpx", "apscheduler"):
        for severity in (logging.DEBUG, logging.INFO, logging.WARNING):
            logging.getLogger(f"{name}.x").log(severity, "%s line", name)
    text = out.getvalue()
    for part in shown:
        assert f"{part}" in text, (part, text)
    for part in hidden:
        assert f"{part}" not in text, (part, text)


def test_a_wrong_log_level_names_the_variable(monkeypatch):
    monkeypatch.setenv("BOT_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="BOT_LOG_LEVEL"):
        Settings.from_env(None)
