"""A fake Telegram Bot API server for end-to-end tests.

The real, unmodified python-telegram-bot ``Application`` talks to this server over real HTTP on
127.0.0.1::

    async with FakeTelegram() as server:
        app = (Application.builder().token(server.token)
               .base_url(f"{server.root}/bot").base_file_url(f"{server.root}/file/bot").build())
        ...
        server.push_message("/start", chat_id=42, user_id=42)
        call = await server.wait_for("sendMessage", chat_id=42)
        assert "Sahabat" in call.params["text"]

The server runs on tornado inside the *current* asyncio event loop. It records every Bot API call
(``server.calls``), serves updates through real long polling (``getUpdates``) or delivers them to
a webhook set with ``setWebhook``, and can inject errors (``fail_next``). It behaves like the real
API where that matters for a bot: HTML ``parse_mode`` is parsed (malformed HTML → 400 "can't parse
entities"), message length and callback data limits are enforced, editing a message with identical
content answers "message is not modified", a callback/inline query can only be answered once, and
once the bot is kicked from (or blocked in) a chat, sending there answers 403.

Files: ``push_document`` sends the bot a user's document, whose bytes the bot gets back through
``getFile`` and ``/file/bot<token>/<file_path>`` (so ``(await bot.get_file(id)).download_as_bytearray()``
works); ``sendDocument`` uploads are recorded with their bytes (``Call.files``, ``sent_documents``).

The bot token is never logged: tornado's access log is replaced by a redacting one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import inspect
import itertools
import json
import logging
import mimetypes
import posixpath
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import tornado.httpclient
import tornado.httpserver
import tornado.netutil
import tornado.web

__all__ = [
    "ApiError",
    "BOT_ID",
    "BOT_USERNAME",
    "Call",
    "FakeTelegram",
    "UploadedFile",
    "WaitTimeout",
    "WebhookDelivery",
    "decode_param",
    "detect_entities",
    "parse_html",
]

_log = logging.getLogger("fake_telegram")

DEFAULT_TOKEN = "123456:TEST-token"
BOT_ID = 7000001
BOT_USERNAME = "SahabatTestBot"
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Sahabat",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

# --- how PTB encodes parameters ------------------------------------------------------------
# PTB sends every parameter as a form field; str values as they are, everything else json.dumps'd.
# A str "123" and an int 123 therefore look the same on the wire, so decoding goes by field name.
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
_INT_RE = re.compile(r"-?\d+\Z")
_SCOPE_TYPES = frozenset({"default", "all_private_chats", "all_group_chats",
                          "all_chat_administrators", "chat", "chat_administrators", "chat_member"})
# file_id prefixes (Telegram's file_ids encode the file type) and getFile folders, by kind of file
_FILE_ID_PREFIXES = {"document": "BQAC", "photo": "AgAC", "audio": "CQAC", "voice": "AwAC",
                     "video": "BAAC", "animation": "CgAC", "sticker": "CAAC", "video_note": "DQAC"}
_FILE_FOLDERS = {"document": "documents", "photo": "photos", "audio": "music", "voice": "voice",
                 "video": "videos", "animation": "animations", "sticker": "stickers"}
_FLOAT_RE = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?\Z")
# What Telegram sends besides file_id/file_unique_id/file_size, by kind of media message
_MEDIA_FIELDS: dict[str, dict[str, Any]] = {
    "photo": {},
    "video": {"width": 1280, "height": 720, "duration": 3, "mime_type": "video/mp4"},
    "animation": {"width": 320, "height": 240, "duration": 2, "mime_type": "video/mp4", "file_name": "a.mp4"},
    "audio": {"duration": 30, "mime_type": "audio/mpeg", "file_name": "lagu.mp3"},
    "voice": {"duration": 2, "mime_type": "audio/ogg"},
    "video_note": {"length": 240, "duration": 4},
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
                "emoji": "👍", "set_name": "HotCherry"},
}


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
        if _INT_RE.match(value):
            return int(value)
        if _FLOAT_RE.match(value):
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


# --- records --------------------------------------------------------------------------------
@dataclass
class UploadedFile:
    """A multipart file part (its field name is the key in ``Call.files``)."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One Bot API request as the server saw it.

    ``at`` is ``time.monotonic()`` on arrival. ``failed`` is True when the server answered with an
    error (injected or real); ``error`` then holds the error body, otherwise ``result`` holds what
    was returned.
    """

    method: str
    params: dict[str, Any]
    at: float
    index: int = -1
    failed: bool = False
    error: dict[str, Any] | None = None
    result: Any = None
    files: dict[str, UploadedFile] = field(default_factory=dict)

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def reply_markup(self) -> Any:
        return self.params.get("reply_markup")

    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons of ``reply_markup``, row after row (empty if none)."""
        markup = self.params.get("reply_markup")
        if not isinstance(markup, dict):
            return []
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def __repr__(self) -> str:  # short, readable in assertion messages
        state = f" FAILED {self.error.get('error_code')}" if self.failed and self.error else ""
        return f"Call(#{self.index} {self.method} {self.params!r}{state})"


@dataclass
class WebhookDelivery:
    update_id: int
    status: int  # HTTP status, 599 for a connection error
    at: float


class ApiError(Exception):
    """Raise from a method implementation or a ``server.on`` override to answer with an error."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code,
                                "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class WaitTimeout(AssertionError):
    """``wait_for`` saw no matching call in time."""


@dataclass
class _FailRule:
    method: str
    error: ApiError
    remaining: int | None  # None: until cleared
    chat_id: Any = None


class _Connection:
    """Per-request state the long poll needs: did the client go away?"""

    __slots__ = ("gone",)

    def __init__(self) -> None:
        self.gone = False


class _Poll:
    __slots__ = ("terminated",)

    def __init__(self) -> None:
        self.terminated = False


@dataclass
class _StoredFile:
    """A file the server holds: pushed by a user or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    data: bytes | None          # None: sent by URL, the server never had the bytes
    file_name: str | None
    mime_type: str | None
    kind: str = "document"
    file_path: str | None = None  # assigned by the first getFile, like Telegram does


# --- Telegram's HTML parse mode ---------------------------------------------------------------
class HtmlParseError(ValueError):
    pass


_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_ATTR_RE = re.compile(
    r"""([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|lt|gt|amp|quot);")
_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "code": "code", "pre": "pre",
}
_SUPPORTED_TAGS = set(_SIMPLE_TAGS) | {"a", "span", "blockquote", "tg-emoji"}


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML into (plain text, entities) like the Bot API does.

    Raises HtmlParseError with Telegram's wording for unsupported/unbalanced tags.
    Offsets and lengths of entities are in UTF-16 code units.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "<":
            match = _TAG_RE.match(source, i)
            byte_offset = len(source[:i].encode("utf-8"))
            if not match:
                raise HtmlParseError(f'Unsupported start tag "" at byte offset {byte_offset}')
            closing, name, attr_text = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                if not stack:
                    raise HtmlParseError(f'Unexpected end tag at byte offset {byte_offset}')
                open_name, attrs, start = stack.pop()
                if open_name != name:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {byte_offset}, expected '
                        f'"</{open_name}>", found "</{name}>"')
                entity = _html_entity(open_name, attrs, start, pos16 - start, stack, entities)
                if entity is not None:
                    entities.append(entity)
            else:
                if name not in _SUPPORTED_TAGS:
                    raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
                attrs = {}
                for attr in _ATTR_RE.finditer(attr_text or ""):
                    value = next((g for g in attr.group(2, 3, 4) if g is not None), "")
                    attrs[attr.group(1).lower()] = _unescape_html(value)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise HtmlParseError('Tag "span" must have class "tg-spoiler" at byte offset '
                                         f'{byte_offset}')
                if name == "tg-emoji" and "emoji-id" not in attrs:
                    raise HtmlParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte '
                                         f'offset {byte_offset}')
                stack.append((name, attrs, pos16))
            i = match.end()
            continue
        if char == "&":
            match = _HTML_ENTITY_RE.match(source, i)
            if match:
                decoded = _unescape_html(match.group(0))
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = match.end()
                continue
        out.append(char)
        pos16 += 2 if ord(char) > 0xFFFF else 1
        i += 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _unescape_html(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body[0] == "#":
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
            try:
                return chr(code)
            except (ValueError, OverflowError):
                return match.group(0)
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[body]
    return _HTML_ENTITY_RE.sub(one, text)


def _html_entity(name: str, attrs: dict[str, str], offset: int, length: int,
                 stack: list[tuple[str, dict[str, str], int]],
                 entities: list[dict[str, Any]]) -> dict[str, Any] | None:
    if length <= 0:
        return None
    entity: dict[str, Any] = {"offset": offset, "length": length}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None
        user = re.match(r"tg://user\?id=(\d+)\Z", href)
        if user:
            entity.update(type="text_mention",
                          user={"id": int(user.group(1)), "is_bot": False, "first_name": "User"})
        else:
            entity.update(type="text_link", url=href)
        return entity
    if name == "span":
        entity["type"] = "spoiler"
        return entity
    if name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return entity
    if name == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=attrs["emoji-id"])
        return entity
    if name == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][1]["language"] = language[len("language-"):]
            return None
    entity["type"] = _SIMPLE_TAGS[name]
    if name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    return entity


# --- entities Telegram detects in what users type ----------------------------------------------
_AUTO_ENTITY_RES = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_])",
                               re.ASCII)),
    ("url", re.compile(r"(?<!\S)https?://[^\s]+", re.ASCII)),
    ("mention", re.compile(r"(?<![A-Za-z0-9_@/])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])", re.ASCII)),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """bot_command, url, mention and hashtag entities, as Telegram adds them to user messages."""
    taken: list[tuple[int, int]] = []
    entities = []
    for kind, pattern in _AUTO_ENTITY_RES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            entities.append({"type": kind, "offset": utf16_len(text[:start]),
                             "length": utf16_len(match.group(0))})
    entities.sort(key=lambda e: e["offset"])
    return entities


# --- the server -------------------------------------------------------------------------------
MethodImpl = Callable[[Call], Any]


class FakeTelegram:
    """A fake Bot API server. See the module docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, latency: float = 0.0,
                 validate_html: bool = True, enforce_membership: bool = True,
                 max_text_length: int = 4096) -> None:
        self.token = token
        self.latency = latency                          # seconds added to every response
        self.validate_html = validate_html              # parse parse_mode=HTML like Telegram
        self.enforce_membership = enforce_membership    # 403 once the bot is kicked/blocked
        self.max_text_length = max_text_length          # after entity parsing, in characters
        self.webhook_retry_delay = 0.05
        self.bot_user: dict[str, Any] = dict(BOT_USER)

        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []         # everything ever pushed
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.unauthorized_requests = 0                  # requests with a wrong token
        self.file_downloads: list[str] = []             # file_paths served by /file/bot<token>/
        self.max_download_size = 20 * 1024 * 1024       # getFile refuses bigger files (20 MB)
        self.max_caption_length = 1024

        self._pending: list[dict[str, Any]] = []        # not yet confirmed / delivered
        self._allowed_updates: list[str] | None = None
        self._webhook: dict[str, Any] | None = None
        self._update_ids = itertools.count(100001)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_bot_message: dict[int, int] = {}
        self._member_status: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
        self._open_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._menu_buttons: dict[Any, dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}        # by file_id
        self._file_paths: dict[str, str] = {}           # file_path -> file_id
        self._file_numbers = itertools.count(0)
        self._fail_rules: list[_FailRule] = []
        self._overrides: dict[str, MethodImpl] = {}
        self._consumed: set[int] = set()
        self._polls: list[_Poll] = []
        self._update_event = asyncio.Event()
        self._call_event = asyncio.Event()
        self._stopping = False
        self._http_server: tornado.httpserver.HTTPServer | None = None
        self._http_client: tornado.httpclient.AsyncHTTPClient | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self.port: int | None = None

        impls: dict[str, Callable[[Call, _Connection], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._true,
            "close": self._true,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChatMember": self._get_chat_member,
            "getChat": self._get_chat,
            "leaveChat": self._leave_chat,
            "sendChatAction": self._send_chat_action,
            "setMyDescription": self._true,
            "setMyShortDescription": self._true,
            "setMyName": self._true,
        }
        self._impls = impls
        self._canonical = {name.lower(): name for name in impls}

    # ----- lifecycle -----
    @property
    def root(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.root}/file/bot"

    async def start(self) -> "FakeTelegram":
        if self._http_server is not None:
            return self
        self._stopping = False
        app = tornado.web.Application(
            [(r"/bot([^/]+)/([^/]+)", _BotHandler, {"server": self}),
             (r"/file/bot([^/]+)/(.*)", _FileHandler, {"server": self})],
            log_function=_redacted_access_log,
            default_handler_class=_NotFoundHandler,
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._http_server = tornado.httpserver.HTTPServer(app)
        self._http_server.add_sockets(sockets)
        self._http_client = tornado.httpclient.AsyncHTTPClient(force_instance=True)
        self._webhook_task = asyncio.create_task(self._webhook_loop(), name="FakeTelegram:webhook")
        return self

    async def stop(self) -> None:
        if self._http_server is None:
            return
        self._stopping = True
        self._notify_updates()
        self._http_server.stop()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            try:
                await self._webhook_task
            except (asyncio.CancelledError, Exception):
                pass
            self._webhook_task = None
        await asyncio.sleep(0)  # let woken long polls answer
        try:
            await asyncio.wait_for(self._http_server.close_all_connections(), 5)
        except asyncio.TimeoutError:
            _log.warning("FakeTelegram: connections did not close in time")
        if self._http_client is not None:
            self._http_client.close()
            self._http_client = None
        self._http_server = None

    async def __aenter__(self) -> "FakeTelegram":
        return await self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()

    def __repr__(self) -> str:  # never shows the token
        where = f"http://127.0.0.1:{self.port}" if self.port else "not started"
        return f"<FakeTelegram {where} calls={len(self.calls)} pending={len(self._pending)}>"

    # ----- state helpers for tests -----
    def set_member_status(self, chat_id: int, user_id: int, status: str, **fields: Any) -> None:
        """What getChatMember answers for (chat, user); default "member". ``fields`` override the
        ChatMember JSON (e.g. ``custom_title="Boss"``, ``can_promote_members=True``)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        self._member_status[(int(chat_id), int(user_id))] = (status, fields)

    def member_status(self, chat_id: int, user_id: int) -> str:
        return self._member_status.get((int(chat_id), int(user_id)), ("member", {}))[0]

    def set_chat(self, chat_id: int, chat_type: str, *, title: str | None = None,
                 first_name: str | None = None, username: str | None = None) -> dict[str, Any]:
        """Declare a chat (type, title/first_name) before or instead of pushing updates in it."""
        chat: dict[str, Any] = {"id": int(chat_id), "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name or self._users.get(int(chat_id), {}).get("first_name", "Test")
        else:
            chat["title"] = title or ("Test Group" if chat_type in ("group", "supergroup") else "Test Channel")
        if username:
            chat["username"] = username
        self._chats[int(chat_id)] = chat
        return dict(chat)

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The chat JSON the server uses for ``chat_id`` (remembered or defaulted)."""
        chat_id = int(chat_id)
        if chat_id not in self._chats:
            if chat_id > 0:
                user = self._users.get(chat_id, {})
                chat = {"id": chat_id, "type": "private", "first_name": user.get("first_name", "Test")}
                if user.get("username"):
                    chat["username"] = user["username"]
            else:
                chat = {"id": chat_id, "type": "supergroup", "title": "Test Group"}
            self._chats[chat_id] = chat
        return dict(self._chats[chat_id])

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message the server knows (pushed or sent by the bot), as JSON."""
        return self._messages.get((int(chat_id), int(message_id)))

    def delete_message(self, chat_id: int, message_id: int) -> None:
        """A user deletes a message: replies to it are refused from now on, as Telegram does,
        unless they allow sending without the reply."""
        self._messages.pop((int(chat_id), int(message_id)), None)

    def last_bot_message_id(self, chat_id: int) -> int | None:
        return self._last_bot_message.get(int(chat_id))

    def file_data(self, file_id: str) -> bytes | None:
        """The bytes stored under ``file_id`` (pushed with push_document or uploaded by the bot
        with sendDocument); None for an unknown file_id."""
        stored = self._files.get(file_id)
        return stored.data if stored is not None else None

    def add_file(self, data: bytes, file_name: str | None = None,
                 mime_type: str | None = None, *, kind: str = "document") -> dict[str, Any]:
        """Store bytes as a Telegram file and return its JSON (file_id, file_unique_id,
        file_name, mime_type, file_size), e.g. to build ``extra`` for push_message."""
        return self._file_json(self._store_file(data, file_name, mime_type, kind))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates(offset=...) or delivered to the webhook."""
        return list(self._pending)

    @property
    def webhook_url(self) -> str | None:
        return self._webhook["url"] if self._webhook else None

    # ----- error injection and overrides -----
    def fail_next(self, method: str, error_code: int, description: str | None = None,
                  parameters: dict[str, Any] | None = None, count: int | None = 1,
                  chat_id: int | None = None) -> None:
        """The next ``count`` calls of ``method`` (only those for ``chat_id`` if given) answer
        ``{"ok": false, "error_code": ..., "description": ..., "parameters": ...}`` with that HTTP
        status. ``count=None`` fails until ``clear_failures()``. A 429 without parameters gets
        ``{"retry_after": 1}`` like the real API always sends."""
        if description is None:
            description = _default_description(error_code, parameters)
        if error_code == 429 and not parameters:
            parameters = {"retry_after": 1}
        self._fail_rules.append(_FailRule(self._canonical.get(method.lower(), method),
                                          ApiError(error_code, description, parameters),
                                          count, chat_id))

    def clear_failures(self) -> None:
        self._fail_rules.clear()

    def on(self, method: str, impl: MethodImpl | None) -> None:
        """Replace the server's answer to ``method`` (also for methods it does not implement).
        ``impl(call)`` (sync or async) returns the ``result``, or raises ``ApiError``.
        ``impl=None`` restores the built-in behaviour."""
        method = self._canonical.get(method.lower(), method)
        if impl is None:
            self._overrides.pop(method, None)
        else:
            self._overrides[method] = impl

    # ----- inspecting calls -----
    def mark(self) -> int:
        """An index for ``wait_for(since=...)``: only calls recorded from now on."""
        return len(self.calls)

    def calls_to(self, method: str | Iterable[str], chat_id: Any = None, *,
                 include_failed: bool = True) -> list[Call]:
        methods = {method} if isinstance(method, str) else set(method)
        return [call for call in self.calls
                if call.method in methods
                and (chat_id is None or _same_chat(call.params.get("chat_id"), chat_id))
                and (include_failed or not call.failed)]

    def sent_messages(self, chat_id: Any = None, *, include_failed: bool = False) -> list[Call]:
        """sendMessage and editMessageText calls (successful ones unless include_failed)."""
        return self.calls_to(("sendMessage", "editMessageText"), chat_id,
                             include_failed=include_failed)

    def sent_documents(self, chat_id: Any = None, *, include_failed: bool = False) -> list[Call]:
        """sendDocument calls (successful ones unless include_failed). For an upload,
        ``call.files["document"]`` is the UploadedFile (filename, content_type, data);
        ``call.result["document"]`` is the Document Telegram answered with."""
        return self.calls_to("sendDocument", chat_id, include_failed=include_failed)

    async def wait_for(self, method: str | Iterable[str],
                       predicate: Callable[[Call], bool] | None = None, timeout: float = 5.0, *,
                       chat_id: Any = None, since: int | None = None, consume: bool = True) -> Call:
        """The earliest recorded call of ``method`` (a name or several) with index >= ``since``
        (default 0) that matches ``chat_id``/``predicate`` and has not been returned by an earlier
        ``wait_for``; waits up to ``timeout`` seconds for it to arrive.

        Because returned calls are consumed, calling ``wait_for("sendMessage", chat_id=X)`` twice
        gives the first and then the second message to X. Pass ``since=server.mark()`` (taken
        before pushing) to ignore older calls, or ``consume=False`` to just peek.
        Raises ``WaitTimeout`` (an AssertionError) listing the recent calls.
        """
        methods = {method} if isinstance(method, str) else set(method)
        start = since or 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.calls[start:]:
                if (call.method in methods and call.index not in self._consumed
                        and (chat_id is None or _same_chat(call.params.get("chat_id"), chat_id))
                        and (predicate is None or predicate(call))):
                    if consume:
                        self._consumed.add(call.index)
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(repr(c) for c in self.calls[-15:]) or "(none)"
                raise WaitTimeout(f"no {'/'.join(sorted(methods))} call"
                                  f"{f' to chat {chat_id}' if chat_id is not None else ''}"
                                  f" matched within {timeout}s; recent calls:\n  {recent}")
            event = self._call_event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    # ----- pushing updates -----
    def push_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update as given; ``update_id`` is assigned if missing."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        else:
            ahead = int(update["update_id"]) + 1
            current = next(self._update_ids)
            self._update_ids = itertools.count(max(ahead, current))
        self._learn(update)
        self.updates.append(update)
        self._pending.append(update)
        self._notify_updates()
        return update

    def push_message(self, text: str | None, chat_id: int | None = None, user_id: int = 1001,
                     chat_type: str | None = None, language_code: str | None = "id",
                     first_name: str = "Test", is_bot: bool = False,
                     reply_to_message_id: int | None = None, reply_to_bot: bool = False, *,
                     last_name: str | None = None, username: str | None = None,
                     entities: list[dict[str, Any]] | None = None, title: str | None = None,
                     extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """A user's message. ``chat_id`` defaults to ``user_id`` (a private chat); ``chat_type``
        defaults to what the server knows about the chat (positive id: private, negative:
        supergroup). Entities for /commands, @mentions, URLs and #hashtags are detected unless
        given. ``reply_to_bot=True`` replies to the bot's message ``reply_to_message_id`` or its
        last one in that chat. ``extra`` is merged into the message (photo, caption, ...)."""
        if chat_id is None and chat_type not in (None, "private"):
            raise ValueError(f"a {chat_type} chat needs a (negative) chat_id")
        user = self._make_user(user_id, first_name, last_name, username, language_code, is_bot)
        chat = self._resolve_chat(chat_id if chat_id is not None else user_id, chat_type, user, title)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            found = detect_entities(text) if entities is None else entities
            if found:
                message["entities"] = found
        if reply_to_bot or reply_to_message_id is not None:
            message["reply_to_message"] = self._reply_target(chat, reply_to_message_id, reply_to_bot)
        if extra:
            message.update(extra)
        self._messages[(chat["id"], message["message_id"])] = message
        return self.push_raw({"message": message})

    def push_document(self, data: bytes, file_name: str, chat_id: int | None = None,
                      user_id: int = 1001, chat_type: str | None = None,
                      language_code: str | None = "id", mime_type: str | None = "application/x-yaml",
                      caption: str | None = None, **options: Any) -> dict[str, Any]:
        """A user sends a file (a ``document`` message, with ``caption`` if given). The bytes are
        stored under the document's file_id, so the bot can getFile and download them.
        ``options`` are those of push_message (first_name, username, title, reply_to_bot,
        reply_to_message_id, extra, ...); ``entities`` there are the caption's entities
        (detected in the caption unless given). Returns the update."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        if "text" in options:
            raise TypeError("push_document() takes a caption, not a text")
        stored = self._store_file(bytes(data), file_name, mime_type, "document")
        content: dict[str, Any] = {"document": self._file_json(stored)}
        entities = options.pop("entities", None)
        if caption is not None:
            content["caption"] = caption
            found = detect_entities(caption) if entities is None else entities
            if found:
                content["caption_entities"] = found
        extra = options.pop("extra", None)
        if extra:
            content.update(extra)
        return self.push_message(None, chat_id, user_id, chat_type, language_code,
                                 extra=content, **options)

    def push_media(self, kind: str, caption: str | None = None, chat_id: int | None = None,
                   user_id: int = 1001, **options: Any) -> dict[str, Any]:
        """A user sends a photo, video, animation, audio, voice, video_note or sticker, with a
        ``caption`` where Telegram allows one (not for stickers and video notes). The JSON has the
        fields Telegram sends for that kind (a photo is a list of sizes; a sticker has its emoji).
        ``options`` are those of push_message. Returns the update."""
        if kind not in _MEDIA_FIELDS:
            raise ValueError(f"kind must be one of {sorted(_MEDIA_FIELDS)}, not {kind!r}")
        if caption is not None and kind in ("sticker", "video_note"):
            raise ValueError(f"a {kind} has no caption")
        stored = self._store_file(b"\x00" * 64, None, _MEDIA_FIELDS[kind].get("mime_type"), kind)
        file = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": 64}
        if kind == "photo":
            content: dict[str, Any] = {"photo": [{**file, "width": 90, "height": 60},
                                                 {**file, "file_id": file["file_id"] + "L", "width": 1280,
                                                  "height": 853}]}
        else:
            content = {kind: {**file, **_MEDIA_FIELDS[kind]}}
        entities = options.pop("entities", None)
        if caption is not None:
            content["caption"] = caption
            found = detect_entities(caption) if entities is None else entities
            if found:
                content["caption_entities"] = found
        content.update(options.pop("extra", None) or {})
        return self.push_message(None, chat_id, user_id, extra=content, **options)

    def push_callback_query(self, data: str, chat_id: int | None = None, user_id: int = 1001,
                            message_id: int | None = None, language_code: str | None = "id", *,
                            first_name: str = "Test", username: str | None = None,
                            chat_type: str | None = None) -> dict[str, Any]:
        """A press on an inline button of the bot's message ``message_id`` (default: the bot's
        last message in the chat; ``chat_id`` defaults to ``user_id``)."""
        user = self._make_user(user_id, first_name, None, username, language_code, False)
        chat = self._resolve_chat(chat_id if chat_id is not None else user_id, chat_type, user, None)
        if message_id is None:
            message_id = self._last_bot_message.get(chat["id"])
            if message_id is None:
                raise ValueError(f"the bot has sent no message to chat {chat['id']}; "
                                 "pass message_id")
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            message = self._store_bot_message(chat, message_id, {"text": "…"})
        query_id = f"cq{next(self._query_ids)}"
        self._open_queries.add(query_id)
        return self.push_raw({"callback_query": {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": f"ci{abs(chat['id'])}",
            "data": data,
        }})

    def push_inline_query(self, query: str, user_id: int = 1001, language_code: str | None = "id",
                          offset: str = "", *, chat_type: str | None = "sender",
                          first_name: str = "Test", username: str | None = None) -> dict[str, Any]:
        user = self._make_user(user_id, first_name, None, username, language_code, False)
        inline_query: dict[str, Any] = {"id": f"iq{next(self._query_ids)}", "from": user,
                                        "query": query, "offset": offset}
        if chat_type:
            inline_query["chat_type"] = chat_type
        self._open_queries.add(inline_query["id"])
        return self.push_raw({"inline_query": inline_query})

    def push_my_chat_member(self, chat_id: int, user_id: int = 1001, old_status: str = "left",
                            new_status: str = "member", chat_type: str | None = None,
                            language_code: str | None = "id", *, first_name: str = "Test",
                            title: str | None = None) -> dict[str, Any]:
        """The bot's own membership changed (added to a group, kicked, blocked by a user...);
        ``user_id`` did it. ``chat_type`` defaults to the known type of the chat, else "group"
        ("private" for a positive chat_id). getChatMember for the bot follows ``new_status``."""
        for status in (old_status, new_status):
            if status not in MEMBER_STATUSES:
                raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        user = self._make_user(user_id, first_name, None, None, language_code, False)
        if int(chat_id) > 0:
            chat_type = "private"
        elif chat_type is None:
            chat_type = self._chats.get(int(chat_id), {}).get("type", "group")
        chat = self._resolve_chat(chat_id, chat_type, user, title)
        self._member_status[(chat["id"], BOT_ID)] = (new_status, {})
        bot = dict(BOT_USER)
        bot = {k: bot[k] for k in ("id", "is_bot", "first_name", "username")}
        return self.push_raw({"my_chat_member": {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": _member_json(bot, old_status, {}),
            "new_chat_member": _member_json(bot, new_status, {}),
        }})

    # ----- internals: model -----
    def _make_user(self, user_id: int, first_name: str, last_name: str | None,
                   username: str | None, language_code: str | None, is_bot: bool) -> dict[str, Any]:
        user: dict[str, Any] = {"id": int(user_id), "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[int(user_id)] = user
        return dict(user)

    def _resolve_chat(self, chat_id: int, chat_type: str | None, user: dict[str, Any],
                      title: str | None) -> dict[str, Any]:
        chat_id = int(chat_id)
        known = self._chats.get(chat_id)
        if chat_type is None:
            chat_type = known["type"] if known else ("private" if chat_id > 0 else "supergroup")
        if known and known["type"] == chat_type and not title:
            return dict(known)
        if chat_type == "private":
            return self.set_chat(chat_id, "private", first_name=user.get("first_name"),
                                 username=user.get("username"))
        return self.set_chat(chat_id, chat_type, title=title or (known or {}).get("title"))

    def _store_bot_message(self, chat: dict[str, Any], message_id: int,
                           content: dict[str, Any]) -> dict[str, Any]:
        message = {"message_id": message_id, "from": dict(self.bot_user), "chat": dict(chat),
                   "date": int(time.time()), **content}
        self._messages[(chat["id"], message_id)] = message
        last = self._last_bot_message.get(chat["id"])
        if last is None or message_id > last:
            self._last_bot_message[chat["id"]] = message_id
        return message

    def _store_file(self, data: bytes | None, file_name: str | None, mime_type: str | None,
                    kind: str, source: str | None = None) -> _StoredFile:
        number = len(self._files) + 1
        seed = f"{kind}:{number}:{source or ''}".encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(seed).digest()).decode().rstrip("=")
        unique = base64.urlsafe_b64encode(hashlib.sha256(b"u" + seed).digest()).decode()
        prefix = _FILE_ID_PREFIXES.get(kind, "CQAC")
        stored = _StoredFile(file_id=f"{prefix}AgIAAxkBAAI{number:04X}{digest[:32]}",
                             file_unique_id=f"AgAD{unique[:12]}", data=data,
                             file_name=file_name or None, mime_type=mime_type or None,
                             kind=kind)
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _file_json(stored: _StoredFile) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if stored.file_name:
            result["file_name"] = stored.file_name
        if stored.mime_type:
            result["mime_type"] = stored.mime_type
        result["file_id"] = stored.file_id
        result["file_unique_id"] = stored.file_unique_id
        if stored.data is not None:
            result["file_size"] = len(stored.data)
        return result

    def _file_for_path(self, file_path: str) -> _StoredFile | None:
        file_id = self._file_paths.get(file_path)
        return self._files.get(file_id) if file_id is not None else None

    def _reply_target(self, chat: dict[str, Any], message_id: int | None,
                      to_bot: bool) -> dict[str, Any]:
        if message_id is None:
            message_id = self._last_bot_message.get(chat["id"])
            if message_id is None:
                raise ValueError(f"the bot has sent no message to chat {chat['id']}; "
                                 "pass reply_to_message_id")
        stored = self._messages.get((chat["id"], message_id))
        if stored is not None and (not to_bot or stored.get("from", {}).get("id") == BOT_ID):
            target = dict(stored)
        elif to_bot:
            target = self._store_bot_message(chat, message_id, {"text": "…"})
        else:
            target = {"message_id": message_id, "chat": dict(chat), "date": int(time.time()),
                      "from": {"id": 1, "is_bot": False, "first_name": "Someone"}, "text": "…"}
        target.pop("reply_to_message", None)  # Telegram nests one level only
        return target

    def _learn(self, update: dict[str, Any]) -> None:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if isinstance(chat, dict) and "id" in chat and "type" in chat:
                self._chats.setdefault(int(chat["id"]), dict(chat))
            user = value.get("from")
            if isinstance(user, dict) and "id" in user:
                self._users.setdefault(int(user["id"]), dict(user))
            if "message_id" in value and isinstance(chat, dict) and "id" in chat:
                self._messages.setdefault((int(chat["id"]), int(value["message_id"])), value)

    def _notify_updates(self) -> None:
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    def _record(self, call: Call) -> None:
        call.index = len(self.calls)
        self.calls.append(call)
        event, self._call_event = self._call_event, asyncio.Event()
        event.set()

    def _update_allowed(self, update: dict[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), None)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in ("chat_member", "message_reaction", "message_reaction_count")

    # ----- internals: request handling -----
    def _check_token(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.token.encode())

    async def _handle(self, method_name: str, params: dict[str, Any],
                      files: dict[str, UploadedFile], conn: _Connection) -> tuple[int, dict[str, Any] | None]:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        method = self._canonical.get(method_name.lower(), method_name)
        call = Call(method=method, params=params, at=time.monotonic(), files=files)
        self._record(call)
        try:
            rule_error = self._take_fail_rule(call)
            if rule_error is not None:
                raise rule_error
            impl: Any = self._overrides.get(method)
            if impl is not None:
                result = impl(call)
            elif method in self._impls:
                result = self._impls[method](call, conn)
            else:
                raise ApiError(404, "Not Found: method not found")
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            call.failed = True
            call.error = error.body()
            self._record_changed()
            return error.error_code, call.error
        call.result = result
        self._record_changed()
        if result is _GONE:
            return 200, None
        return 200, {"ok": True, "result": result}

    def _record_changed(self) -> None:
        # Wake waiters again: a predicate may look at call.failed/result that are now set.
        event, self._call_event = self._call_event, asyncio.Event()
        event.set()

    def _take_fail_rule(self, call: Call) -> ApiError | None:
        for rule in self._fail_rules:
            if rule.method != call.method:
                continue
            if rule.chat_id is not None and not _same_chat(call.params.get("chat_id"), rule.chat_id):
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
            return rule.error
        return None

    # ----- method implementations -----
    def _true(self, call: Call, conn: _Connection) -> bool:
        return True

    def _get_me(self, call: Call, conn: _Connection) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _get_updates(self, call: Call, conn: _Connection) -> Any:
        if self._webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        params = call.params
        offset = params.get("offset")
        limit = max(1, min(_as_int(params.get("limit"), 100), 100))
        timeout = max(0.0, min(_as_float(params.get("timeout"), 0.0), 50.0))
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = list(allowed) if isinstance(allowed, list) and allowed else None
        if offset is not None:
            offset = _as_int(offset, 0)
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]

        for other in self._polls:  # Telegram terminates the older of two concurrent polls
            other.terminated = True
        poll = _Poll()
        self._polls.append(poll)
        if len(self._polls) > 1:
            self._notify_updates()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if conn.gone:
                    return _GONE
                if poll.terminated:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                                        "sure that only one bot instance is running")
                ready = [u for u in self._pending if self._update_allowed(u)][:limit]
                if ready or self._stopping:
                    return ready
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                event = self._update_event
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
        finally:
            self._polls.remove(poll)

    def _set_webhook(self, call: Call, conn: _Connection) -> bool:
        params = call.params
        url = params.get("url", "")
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        if not url:
            self._webhook = None
            return True
        if not re.match(r"https?://", str(url)):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {"url": url, "secret_token": params.get("secret_token"),
                         "max_connections": _as_int(params.get("max_connections"), 40)}
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = list(allowed) if isinstance(allowed, list) and allowed else None
        self._notify_updates()
        return True

    def _delete_webhook(self, call: Call, conn: _Connection) -> bool:
        if call.params.get("drop_pending_updates") is True:
            self._pending.clear()
        self._webhook = None
        return True

    def _get_webhook_info(self, call: Call, conn: _Connection) -> dict[str, Any]:
        info: dict[str, Any] = {"url": self._webhook["url"] if self._webhook else "",
                                "has_custom_certificate": False,
                                "pending_update_count": len(self._pending)}
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            failures = [d for d in self.webhook_deliveries if not 200 <= d.status < 300]
            if failures:
                info["last_error_date"] = int(time.time())
                info["last_error_message"] = f"Wrong response from the webhook: {failures[-1].status}"
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _require_chat(self, call: Call) -> dict[str, Any]:
        chat_id = call.params.get("chat_id")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == chat_id[1:].lower():
                    return dict(chat)
            raise ApiError(400, "Bad Request: chat not found")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found" if chat_id is not None
                           else "Bad Request: chat_id is empty")
        return self.chat(chat_id)

    def _check_can_write(self, chat: dict[str, Any]) -> None:
        if not self.enforce_membership:
            return
        status = self.member_status(chat["id"], BOT_ID)
        if chat["type"] == "private":
            if status == "kicked":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return
        kind = "supergroup" if chat["type"] == "supergroup" else "group"
        if chat["type"] == "channel":
            kind = "channel"
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")

    def _render_text(self, params: dict[str, Any], text_field: str = "text") -> tuple[str, list[Any]]:
        text = params.get(text_field)
        if text is None:
            raise ApiError(400, "Bad Request: message text is empty")
        text, entities = self._parse_entities(str(text), params.get("parse_mode"),
                                              params.get("entities"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > self.max_text_length:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    def _parse_entities(self, text: str, parse_mode: Any, given: Any) -> tuple[str, list[Any]]:
        if isinstance(given, list):
            return text, given
        if isinstance(parse_mode, str) and parse_mode.lower() == "html" and self.validate_html:
            try:
                return parse_html(text)
            except HtmlParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        return text, []

    def _render_caption(self, params: dict[str, Any]) -> tuple[str | None, list[Any]]:
        caption = params.get("caption")
        if caption is None or caption == "":
            return None, []
        text, entities = self._parse_entities(str(caption), params.get("parse_mode"),
                                              params.get("caption_entities"))
        if len(text) > self.max_caption_length:
            raise ApiError(400, "Bad Request: message caption is too long")
        if not text.strip():
            return None, []  # an empty caption is no caption
        return text, entities

    def _checked_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None  # reply keyboards are not echoed back in the Message
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
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                actions = [k for k in button if k != "text"]
                if not actions:
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text "
                                        "buttons are unallowed in the inline keyboard")
        return markup

    def _send_message(self, call: Call, conn: _Connection) -> dict[str, Any]:
        params = call.params
        chat = self._require_chat(call)
        self._check_can_write(chat)
        text, entities = self._render_text(params)
        markup = self._checked_markup(params)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if markup is not None:
            content["reply_markup"] = markup
        self._add_reply(chat, params, content)
        return self._store_bot_message(chat, next(self._message_ids), content)

    def _add_reply(self, chat: dict[str, Any], params: dict[str, Any],
                   content: dict[str, Any]) -> None:
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        if reply_id is None:
            return
        target = self._messages.get((chat["id"], _as_int(reply_id, -1)))
        if target is not None:
            target = dict(target)
            target.pop("reply_to_message", None)
            content["reply_to_message"] = target
            return
        allow = (reply.get("allow_sending_without_reply") if isinstance(reply, dict)
                 else params.get("allow_sending_without_reply"))
        if not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")

    def _send_document(self, call: Call, conn: _Connection) -> dict[str, Any]:
        params = call.params
        chat = self._require_chat(call)
        self._check_can_write(chat)
        stored = self._input_file(call, "document")
        caption, caption_entities = self._render_caption(params)
        markup = self._checked_markup(params)
        content: dict[str, Any] = {"document": self._file_json(stored)}
        if caption is not None:
            content["caption"] = caption
            if caption_entities:
                content["caption_entities"] = caption_entities
        if markup is not None:
            content["reply_markup"] = markup
        self._add_reply(chat, params, content)
        return self._store_bot_message(chat, next(self._message_ids), content)

    def _input_file(self, call: Call, field_name: str) -> _StoredFile:
        """The file a send method got in ``field_name``: an upload (also via attach://), a known
        file_id, or an HTTP URL."""
        value = call.params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = call.files.get(value[len("attach://"):])
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            mime_type = value.content_type
            if not mime_type or mime_type in ("application/octet-stream", "application/unknown"):
                mime_type = (mimetypes.guess_type(value.filename or "", strict=False)[0]
                             or "application/octet-stream")
            return self._store_file(value.data, value.filename, mime_type, field_name)
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if re.match(r"https?://", value, re.IGNORECASE):
                name = posixpath.basename(urllib.parse.urlsplit(value).path) or None
                return self._store_file(None, name, mimetypes.guess_type(name or "", strict=False)[0],
                                        field_name, source=value)
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {field_name} in the request")

    def _get_file(self, call: Call, conn: _Connection) -> dict[str, Any]:
        file_id = call.params.get("file_id")
        stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        result = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.data is None:
            return result  # sent by URL: the fake never had the bytes, so there is no file_path
        if len(stored.data) > self.max_download_size:
            raise ApiError(400, "Bad Request: file is too big")
        if stored.file_path is None:
            suffix = posixpath.splitext(stored.file_name or "")[1].lower()
            if not re.fullmatch(r"\.[a-z0-9]{1,10}", suffix):
                suffix = ""
            folder = _FILE_FOLDERS.get(stored.kind, stored.kind + "s")
            stored.file_path = f"{folder}/file_{next(self._file_numbers)}{suffix}"
            self._file_paths[stored.file_path] = stored.file_id
        result["file_size"] = len(stored.data)
        result["file_path"] = stored.file_path
        return result

    def _editable(self, call: Call) -> dict[str, Any] | None:
        """The stored bot message to edit, or None for inline messages."""
        params = call.params
        if params.get("inline_message_id"):
            return None
        chat = self._require_chat(call)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edit_message_text(self, call: Call, conn: _Connection) -> Any:
        message = self._editable(call)
        text, entities = self._render_text(call.params)
        markup = self._checked_markup(call.params)
        if message is None:
            return True
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if (message.get("text") == text and message.get("entities", []) == entities
                and message.get("reply_markup") == markup):
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        message["text"] = text
        _set_or_drop(message, "entities", entities or None)
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return dict(message)

    def _edit_message_reply_markup(self, call: Call, conn: _Connection) -> Any:
        message = self._editable(call)
        markup = self._checked_markup(call.params)
        if message is None:
            return True
        if message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return dict(message)

    def _delete_message(self, call: Call, conn: _Connection) -> bool:
        chat = self._require_chat(call)
        message_id = call.params.get("message_id")
        if self._messages.pop((chat["id"], message_id), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _answer_query(self, call: Call, conn: _Connection) -> bool:
        query_id = call.params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
        text = call.params.get("text")
        if text is not None and len(str(text)) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    def _answer_inline_query(self, call: Call, conn: _Connection) -> bool:
        query_id = call.params.get("inline_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
        results = call.params.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        seen = set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result:
                raise ApiError(400, "Bad Request: can't parse InlineQueryResult JSON object")
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            if result_id in seen:
                raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
            seen.add(result_id)
        self._open_queries.discard(query_id)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        """(scope, language_code) as a key. A scope's chat_id/user_id is an int whether it came
        as 42 or "42"; "@username" becomes the id of the known chat with that username."""
        scope = params.get("scope") or {"type": "default"}
        if hasattr(scope, "to_dict"):  # a PTB BotCommandScope given to server.commands()
            scope = scope.to_dict()
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        scope = dict(scope)
        kind = scope["type"]
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                chat_id = next((c["id"] for c in self._chats.values()
                                if c.get("username", "").lower() == chat_id[1:].lower()), None)
                if chat_id is None:
                    raise ApiError(400, "Bad Request: chat not found")
            elif isinstance(chat_id, str) and _INT_RE.match(chat_id):
                chat_id = int(chat_id)
            if not isinstance(chat_id, int) or isinstance(chat_id, bool):
                raise ApiError(400, "Bad Request: chat not found")
            scope["chat_id"] = chat_id
        if kind == "chat_member":
            user_id = scope.get("user_id")
            if isinstance(user_id, str) and _INT_RE.match(user_id):
                user_id = int(user_id)
            if not isinstance(user_id, int) or isinstance(user_id, bool):
                raise ApiError(400, "Bad Request: invalid user_id specified")
            scope["user_id"] = user_id
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, call: Call, conn: _Connection) -> bool:
        commands = call.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        self._commands[self._commands_key(call.params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _delete_my_commands(self, call: Call, conn: _Connection) -> bool:
        self._commands.pop(self._commands_key(call.params), None)
        return True

    def _get_my_commands(self, call: Call, conn: _Connection) -> list[dict[str, Any]]:
        return [dict(c) for c in self._commands.get(self._commands_key(call.params), [])]

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """What setMyCommands stored for (scope, language_code); [] if nothing. ``scope`` is the
        Bot API JSON (``{"type": "chat", "chat_id": 42}``) or a PTB BotCommandScope."""
        return self._get_my_commands(Call("getMyCommands", {"scope": scope,
                                                            "language_code": language_code}, 0), _Connection())

    def _set_chat_menu_button(self, call: Call, conn: _Connection) -> bool:
        button = call.params.get("menu_button") or {"type": "default"}
        self._menu_buttons[call.params.get("chat_id")] = button
        return True

    def _get_chat_menu_button(self, call: Call, conn: _Connection) -> dict[str, Any]:
        return self._menu_buttons.get(call.params.get("chat_id"), {"type": "commands"})

    def _get_chat_member(self, call: Call, conn: _Connection) -> dict[str, Any]:
        chat = self._require_chat(call)
        user_id = call.params.get("user_id")
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: invalid user_id specified")
        status, fields = self._member_status.get((chat["id"], user_id), ("member", {}))
        if user_id == BOT_ID:
            user = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        else:
            user = dict(self._users.get(user_id) or {"id": user_id, "is_bot": False,
                                                       "first_name": "Test"})
        return _member_json(user, status, fields)

    def _get_chat(self, call: Call, conn: _Connection) -> dict[str, Any]:
        chat = self._require_chat(call)
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def _leave_chat(self, call: Call, conn: _Connection) -> bool:
        chat = self._require_chat(call)
        self._member_status[(chat["id"], BOT_ID)] = ("left", {})
        return True

    def _send_chat_action(self, call: Call, conn: _Connection) -> bool:
        chat = self._require_chat(call)
        self._check_can_write(chat)
        return True

    # ----- webhook delivery -----
    async def _webhook_loop(self) -> None:
        while not self._stopping:
            webhook = self._webhook
            if not webhook or not self._pending or self._http_client is None:
                event = self._update_event
                await event.wait()
                continue
            update = self._pending[0]
            if not self._update_allowed(update):
                self._pending.pop(0)
                continue
            headers = {"Content-Type": "application/json"}
            if webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
            try:
                response = await self._http_client.fetch(
                    webhook["url"], method="POST", body=json.dumps(update), headers=headers,
                    raise_error=False, request_timeout=10)
                status = response.code
            except Exception:  # connection refused and the like
                status = 599
            self.webhook_deliveries.append(WebhookDelivery(update["update_id"], status, time.monotonic()))
            if 200 <= status < 300:
                if self._pending and self._pending[0] is update:
                    self._pending.pop(0)
            else:
                await asyncio.sleep(self.webhook_retry_delay)


_GONE = object()  # the client closed the connection of a long poll


def _member_json(user: dict[str, Any], status: str, fields: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False, is_anonymous=False, can_manage_chat=True,
            can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
            can_promote_members=False, can_change_info=True, can_invite_users=True,
            can_post_stories=False, can_edit_stories=False, can_delete_stories=False,
            can_pin_messages=True, can_manage_topics=False)
    elif status == "restricted":
        member.update(
            is_member=True, can_change_info=False, can_invite_users=False, can_pin_messages=False,
            can_send_messages=False, can_send_polls=False, can_send_other_messages=False,
            can_add_web_page_previews=False, can_manage_topics=False, until_date=0,
            can_send_audios=False, can_send_documents=False, can_send_photos=False,
            can_send_videos=False, can_send_video_notes=False, can_send_voice_notes=False,
            can_edit_tag=False, can_react_to_messages=False)
    elif status == "kicked":
        member["until_date"] = 0
    member.update(fields)
    return member


def _default_description(error_code: int, parameters: dict[str, Any] | None) -> str:
    if error_code == 429:
        retry = (parameters or {}).get("retry_after", 1)
        return f"Too Many Requests: retry after {retry}"
    if parameters and "migrate_to_chat_id" in parameters:
        return "Bad Request: group chat was upgraded to a supergroup chat"
    return {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
            404: "Not Found", 409: "Conflict", 500: "Internal Server Error",
            502: "Bad Gateway"}.get(error_code, "Error")


def _same_chat(value: Any, wanted: Any) -> bool:
    if value == wanted:
        return True
    try:
        return int(value) == int(wanted)
    except (TypeError, ValueError):
        return False


def _as_int(value: Any, default: int) -> int:
    if value is None:
        return default
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _as_float(value: Any, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _set_or_drop(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


# --- tornado plumbing -------------------------------------------------------------------------
def _redacted_access_log(handler: tornado.web.RequestHandler) -> None:
    """tornado's access log without the token (the path is /bot<token>/<method>)."""
    if not _log.isEnabledFor(logging.DEBUG):
        return
    path = re.sub(r"^/(file/)?bot[^/]+", lambda m: f"/{m.group(1) or ''}bot<token>", handler.request.path)
    _log.debug("%d %s %s %.1fms", handler.get_status(), handler.request.method, path,
               1000.0 * handler.request.request_time())


class _BaseHandler(tornado.web.RequestHandler):
    def initialize(self, server: FakeTelegram) -> None:  # type: ignore[override]
        self.server = server
        self.conn = _Connection()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:  # no URI → no token
        _log.error("FakeTelegram: error while handling %s", type(value).__name__,
                   exc_info=(typ, value, tb))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self._json(status_code, {"ok": False, "error_code": status_code,
                                 "description": self._reason or "Internal Server Error"})

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _BotHandler(_BaseHandler):
    def on_connection_close(self) -> None:
        self.conn.gone = True
        self.server._notify_updates()

    async def get(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def _serve(self, token: str, method: str) -> None:
        if not self.server._check_token(token):
            self.server.unauthorized_requests += 1
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params, files = self._params()
        status, body = await self.server._handle(method, params, files, self.conn)
        if body is None or self.conn.gone:
            return
        self._json(status, body)

    def _params(self) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = {}
        for name, values in self.request.query_arguments.items():
            raw[name] = values[-1].decode("utf-8", "replace")
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            try:
                body = json.loads(self.request.body)
            except ValueError:
                body = None
            if isinstance(body, dict):
                raw.update(body)
        else:
            for name, values in self.request.body_arguments.items():
                raw[name] = values[-1].decode("utf-8", "replace")
        files = {name: UploadedFile(parts[-1].filename, parts[-1].content_type, parts[-1].body)
                 for name, parts in self.request.files.items() if parts}
        params = {name: decode_param(name, value) for name, value in raw.items()}
        for name, upload in files.items():
            params.setdefault(name, upload)
        return params, files


class _FileHandler(_BaseHandler):
    async def get(self, token: str, path: str) -> None:
        if not self.server._check_token(token):
            self.server.unauthorized_requests += 1
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        stored = self.server._file_for_path(path)
        if stored is None or stored.data is None:
            self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.server.file_downloads.append(path)
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.data)


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))
