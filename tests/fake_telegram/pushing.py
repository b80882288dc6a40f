"""Updates as Telegram sends them: messages, documents and media, button presses, inline queries,
changes of the bot's membership, and the model of chats, users and messages behind them."""

from __future__ import annotations

import base64
import hashlib
import itertools
import time
from typing import Any

from tests.fake_telegram.entities import detect_entities
from tests.fake_telegram.records import StoredFile, member_json

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
# file_id prefixes (Telegram's file_ids encode the file type), by kind of file
FILE_ID_PREFIXES = {"document": "BQAC", "photo": "AgAC", "audio": "CQAC", "voice": "AwAC",
                     "video": "BAAC", "animation": "CgAC", "sticker": "CAAC", "video_note": "DQAC"}
# getFile folders by kind of file, as Telegram names them in file_path
FILE_FOLDERS = {"document": "documents", "photo": "photos", "audio": "music", "voice": "voice",
                "video": "videos", "animation": "animations", "sticker": "stickers"}
# What Telegram sends besides file_id/file_unique_id/file_size, by kind of media message
MEDIA_FIELDS: dict[str, dict[str, Any]] = {
    "photo": {},
    "video": {"width": 1280, "height": 720, "duration": 3, "mime_type": "video/mp4"},
    "animation": {"width": 320, "height": 240, "duration": 2, "mime_type": "video/mp4", "file_name": "a.mp4"},
    "audio": {"duration": 30, "mime_type": "audio/mpeg", "file_name": "lagu.mp3"},
    "voice": {"duration": 2, "mime_type": "audio/ogg"},
    "video_note": {"length": 240, "duration": 4},
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
                "emoji": "👍", "set_name": "HotCherry"},
}


class PushMixin:
    """The test-facing side of FakeTelegram: what users do."""

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
        content = _captioned({"document": self._file_json(stored)}, caption, options)
        return self.push_message(None, chat_id, user_id, chat_type, language_code,
                                 extra=content, **options)

    def push_media(self, kind: str, caption: str | None = None, chat_id: int | None = None,
                   user_id: int = 1001, **options: Any) -> dict[str, Any]:
        """A user sends a photo, video, animation, audio, voice, video_note or sticker, with a
        ``caption`` where Telegram allows one (not for stickers and video notes). The JSON has the
        fields Telegram sends for that kind (a photo is a list of sizes; a sticker has its emoji).
        ``options`` are those of push_message. Returns the update."""
        if kind not in MEDIA_FIELDS:
            raise ValueError(f"kind must be one of {sorted(MEDIA_FIELDS)}, not {kind!r}")
        if caption is not None and kind in ("sticker", "video_note"):
            raise ValueError(f"a {kind} has no caption")
        stored = self._store_file(b"\x00" * 64, None, MEDIA_FIELDS[kind].get("mime_type"), kind)
        file = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": 64}
        if kind == "photo":
            content: dict[str, Any] = {"photo": [{**file, "width": 90, "height": 60},
                                                 {**file, "file_id": file["file_id"] + "L", "width": 1280,
                                                  "height": 853}]}
        else:
            content = {kind: {**file, **MEDIA_FIELDS[kind]}}
        return self.push_message(None, chat_id, user_id, extra=_captioned(content, caption, options), **options)

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
            "old_chat_member": member_json(bot, old_status, {}),
            "new_chat_member": member_json(bot, new_status, {}),
        }})

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
                    kind: str, source: str | None = None) -> StoredFile:
        number = len(self._files) + 1
        seed = f"{kind}:{number}:{source or ''}".encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(seed).digest()).decode().rstrip("=")
        unique = base64.urlsafe_b64encode(hashlib.sha256(b"u" + seed).digest()).decode()
        prefix = FILE_ID_PREFIXES.get(kind, "CQAC")
        stored = StoredFile(file_id=f"{prefix}AgIAAxkBAAI{number:04X}{digest[:32]}",
                             file_unique_id=f"AgAD{unique[:12]}", data=data,
                             file_name=file_name or None, mime_type=mime_type or None,
                             kind=kind)
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _file_json(stored: StoredFile) -> dict[str, Any]:
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

    def _file_for_path(self, file_path: str) -> StoredFile | None:
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


def _captioned(content: dict[str, Any], caption: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """A media message's fields with its caption and caption entities (detected unless
    ``options`` gives them), then ``options``' extra fields; takes both out of ``options``."""
    entities = options.pop("entities", None)
    if caption is not None:
        content["caption"] = caption
        found = detect_entities(caption) if entities is None else entities
        if found:
            content["caption_entities"] = found
    content.update(options.pop("extra", None) or {})
    return content
