"""The Bot API methods the bot calls, with Telegram's checks and error messages."""

from __future__ import annotations

import json
import mimetypes
import posixpath
import re
import time
import urllib.parse
from typing import Any

from tests.fake_telegram.entities import HtmlParseError, parse_html
from tests.fake_telegram.limits import check_callback_answer, check_commands, check_inline_results, check_keyboard
from tests.fake_telegram.pushing import BOT_ID, FILE_FOLDERS
from tests.fake_telegram.records import ApiError, Call, Connection, StoredFile, UploadedFile, member_json
from tests.fake_telegram.wire import INT_RE, as_int, set_or_drop

SCOPE_TYPES = frozenset({"default", "all_private_chats", "all_group_chats",
                          "all_chat_administrators", "chat", "chat_administrators", "chat_member"})


class MethodsMixin:
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
        check_keyboard(markup)
        return markup

    def _send_message(self, call: Call, conn: Connection) -> dict[str, Any]:
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
        target = self._messages.get((chat["id"], as_int(reply_id, -1)))
        if target is not None:
            target = dict(target)
            target.pop("reply_to_message", None)
            content["reply_to_message"] = target
            return
        allow = (reply.get("allow_sending_without_reply") if isinstance(reply, dict)
                 else params.get("allow_sending_without_reply"))
        if not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")

    def _send_document(self, call: Call, conn: Connection) -> dict[str, Any]:
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

    def _input_file(self, call: Call, field_name: str) -> StoredFile:
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

    def _get_file(self, call: Call, conn: Connection) -> dict[str, Any]:
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
            folder = FILE_FOLDERS.get(stored.kind, stored.kind + "s")
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

    def _edit_message_text(self, call: Call, conn: Connection) -> Any:
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
        set_or_drop(message, "entities", entities or None)
        set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return dict(message)

    def _edit_message_reply_markup(self, call: Call, conn: Connection) -> Any:
        message = self._editable(call)
        markup = self._checked_markup(call.params)
        if message is None:
            return True
        if message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return dict(message)

    def _answer_query(self, call: Call, conn: Connection) -> bool:
        query_id = call.params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
        check_callback_answer(call.params)
        self._open_queries.discard(query_id)
        return True

    def _answer_inline_query(self, call: Call, conn: Connection) -> bool:
        query_id = call.params.get("inline_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
        check_inline_results(call.params)
        self._open_queries.discard(query_id)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        """(scope, language_code) as a key. A scope's chat_id/user_id is an int whether it came
        as 42 or "42"; "@username" becomes the id of the known chat with that username."""
        scope = params.get("scope") or {"type": "default"}
        if hasattr(scope, "to_dict"):  # a PTB BotCommandScope given to server.commands()
            scope = scope.to_dict()
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
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
            elif isinstance(chat_id, str) and INT_RE.match(chat_id):
                chat_id = int(chat_id)
            if not isinstance(chat_id, int) or isinstance(chat_id, bool):
                raise ApiError(400, "Bad Request: chat not found")
            scope["chat_id"] = chat_id
        if kind == "chat_member":
            user_id = scope.get("user_id")
            if isinstance(user_id, str) and INT_RE.match(user_id):
                user_id = int(user_id)
            if not isinstance(user_id, int) or isinstance(user_id, bool):
                raise ApiError(400, "Bad Request: invalid user_id specified")
            scope["user_id"] = user_id
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, call: Call, conn: Connection) -> bool:
        commands = check_commands(call.params)
        self._commands[self._commands_key(call.params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """What setMyCommands stored for (scope, language_code); [] if nothing. ``scope`` is the
        Bot API JSON (``{"type": "chat", "chat_id": 42}``) or a PTB BotCommandScope."""
        key = self._commands_key({"scope": scope, "language_code": language_code})
        return [dict(c) for c in self._commands.get(key, [])]

    def _get_chat_member(self, call: Call, conn: Connection) -> dict[str, Any]:
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
        return member_json(user, status, fields)
