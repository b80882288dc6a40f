"""How values travel: python-telegram-bot sends every parameter as a form field (str values as they
are, everything else json.dumps'd), so a str "123" and an int 123 look the same on the wire and
decoding goes by field name. Entity offsets and lengths count UTF-16 code units."""

from __future__ import annotations

import json
import re
from typing import Any

STRUCTURED_FIELDS = frozenset({
    "reply_markup", "results", "commands", "scope", "entities", "caption_entities",
    "allowed_updates", "link_preview_options", "reply_parameters", "menu_button", "media",
    "button", "rights", "options", "reaction", "permissions", "prices", "shipping_options",
    "errors", "sticker", "stickers", "input_message_content", "message_ids",
})
INT_FIELDS = frozenset({
    "chat_id", "user_id", "message_id", "offset", "limit", "timeout", "cache_time",
    "reply_to_message_id", "from_chat_id", "max_connections", "message_thread_id", "until_date",
    "sender_chat_id", "duration", "width", "height", "open_period", "close_date", "update_id",
})
BOOL_FIELDS = frozenset({
    "show_alert", "is_personal", "disable_notification", "protect_content",
    "drop_pending_updates", "disable_web_page_preview", "allow_sending_without_reply",
    "for_channels", "only_if_banned", "revoke_messages", "allow_paid_broadcast", "has_spoiler",
    "is_anonymous", "is_big", "disable_content_type_detection", "supports_streaming",
})
BOOL_PREFIXES = ("is_", "can_", "disable_", "protect_", "allow_", "show_", "drop_", "has_", "only_")
INT_RE = re.compile(r"-?\d+\Z")
FLOAT_RE = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?\Z")


def decode_param(name: str, value: Any) -> Any:
    """Turn one wire value back into the Python value PTB encoded (see module constants)."""
    if not isinstance(value, str):
        return value  # already typed (JSON body)
    if name in STRUCTURED_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in INT_FIELDS:
        if INT_RE.match(value):
            return int(value)
        if FLOAT_RE.match(value):
            return float(value)
        return value
    if name in BOOL_FIELDS or name.startswith(BOOL_PREFIXES):
        if value == "true":
            return True
        if value == "false":
            return False
    return value


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2



def same_chat(value: Any, wanted: Any) -> bool:
    if value == wanted:
        return True
    try:
        return int(value) == int(wanted)
    except (TypeError, ValueError):
        return False


def as_int(value: Any, default: int) -> int:
    if value is None:
        return default
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def as_float(value: Any, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def set_or_drop(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value
