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

Media: ``push_media`` sends photos, videos, voice messages, stickers... shaped as Telegram sends
them, with a caption where Telegram allows one. ``delete_message`` is a user deleting a message:
replying to it then fails unless the reply allows sending without it, as on Telegram.

Only the methods the bot calls are implemented (any other answers 404 "method not found"; ``on``
can stand in for one), so a new kind of call shows up in the tests instead of passing unchecked.

The bot token is never logged: tornado's access log is replaced by a redacting one.

Modules: ``server`` (FakeTelegram: lifecycle, test state, error injection, inspecting calls),
``pushing`` (updates as users cause them), ``updates`` (long polling and webhooks), ``methods``
(the Bot API methods), ``entities`` (HTML parse mode, detected entities), ``records``, ``wire``
(parameter decoding) and ``http`` (tornado routes).
"""

from tests.fake_telegram.entities import detect_entities, parse_html
from tests.fake_telegram.pushing import BOT_ID, BOT_USERNAME
from tests.fake_telegram.records import ApiError, Call, UploadedFile, WaitTimeout, WebhookDelivery
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from tests.fake_telegram.wire import decode_param

__all__ = [
    "ApiError",
    "BOT_ID",
    "BOT_USERNAME",
    "Call",
    "DEFAULT_TOKEN",
    "FakeTelegram",
    "UploadedFile",
    "WaitTimeout",
    "WebhookDelivery",
    "decode_param",
    "detect_entities",
    "parse_html",
]
