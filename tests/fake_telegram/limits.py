"""Telegram's documented size limits, refused with a 400 and Telegram's own error text, so that a
test fails when a path of the bot goes past one.

- message text (sendMessage, editMessageText), after entity parsing: 1–4,096 characters ("message is
  too long", "message text is empty"; in methods.py with the HTML parsing);
- caption: 0–1,024 characters ("message caption is too long", methods.py);
- answerCallbackQuery text: 0–200 characters (MESSAGE_TOO_LONG);
- answerInlineQuery: at most 50 results (RESULTS_TOO_MUCH); result ids of 1–64 bytes, unique
  (RESULT_ID_INVALID, RESULT_ID_DUPLICATE); InputTextMessageContent message_text of 1–4,096
  characters (MESSAGE_TOO_LONG, MESSAGE_EMPTY);
- inline keyboard callback_data: 1–64 bytes (BUTTON_DATA_INVALID);
- setMyCommands: at most 100 commands, each 1–32 of a-z, 0-9 and _ (BOT_COMMAND_INVALID) with a
  description of 1–256 characters (BOT_COMMAND_DESCRIPTION_INVALID).

The Bot API documents no length for inline result titles and descriptions or for button texts, so
the fake checks none. The bot calls neither setMyDescription nor setMyShortDescription.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fake_telegram.records import ApiError

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
MAX_ID_BYTES = 64
MAX_CALLBACK_DATA = 64
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def check_callback_answer(params: dict[str, Any]) -> None:
    text = params.get("text")
    if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
        raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")


def check_inline_results(params: dict[str, Any]) -> None:
    results = params.get("results")
    if not isinstance(results, list):
        raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
    seen = set()
    for result in results:
        if not isinstance(result, dict) or "type" not in result:
            raise ApiError(400, "Bad Request: can't parse InlineQueryResult JSON object")
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode("utf-8")) <= MAX_ID_BYTES:
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if result_id in seen:
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        seen.add(result_id)
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            text = str(content["message_text"])
            if not text.strip():
                raise ApiError(400, "Bad Request: MESSAGE_EMPTY")
            if len(text) > MAX_TEXT:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        check_keyboard(result.get("reply_markup"))


def check_keyboard(markup: Any) -> None:
    """An inline keyboard's buttons: each with a text and one action; callback_data 1–64 bytes."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: field "
                            "\"inline_keyboard\" must be an Array of Arrays")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text "
                                    "buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not [k for k in button if k != "text"]:
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text "
                                    "buttons are unallowed in the inline keyboard")


def check_commands(params: dict[str, Any]) -> list[dict[str, Any]]:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        description = str(command.get("description", "")) if isinstance(command, dict) else ""
        if not COMMAND.fullmatch(name):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
            raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    return commands
