"""Driving the guided changes (/edit, /new, /event) through the fake Bot API server, as an
administrator's Telegram client would: send a text, press a button of the bot's last message."""

from __future__ import annotations

from tests.fake_telegram import Call, FakeTelegram

ADMIN = 4242
OTHER_ADMIN = 4343
USER = 5151


async def send(server: FakeTelegram, text: str, user: int = ADMIN, lang: str = "en", *, until=None,
               timeout: float = 30) -> Call:
    """The administrator sends `text`; the bot's first message back (or the first that `until` accepts)."""
    mark = server.mark()
    server.push_message(text, user_id=user, chat_id=user, language_code=lang)
    return await server.wait_for("sendMessage", chat_id=user, since=mark, timeout=timeout, predicate=until)


def button(call: Call, data: str) -> str:
    """The callback data of `call`'s button whose data starts with `data` (such as 'au1:lang:ko')."""
    found = [b["callback_data"] for b in call.buttons() if b.get("callback_data", "").startswith(data)]
    assert found, (data, call.buttons(), call.text)
    return found[0]


async def press(server: FakeTelegram, call: Call, data: str, user: int = ADMIN, lang: str = "en", *,
                chat: int | None = None, until=None, timeout: float = 30) -> Call:
    """Press the button of `call` whose data starts with `data`; the bot's next message to the chat."""
    mark = server.mark()
    chat = user if chat is None else chat
    server.push_callback_query(button(call, data), chat_id=chat, user_id=user, message_id=call.result["message_id"],
                               language_code=lang)
    return await server.wait_for("sendMessage", chat_id=chat, since=mark, timeout=timeout, predicate=until)


async def alert(server: FakeTelegram, data: str, user: int, lang: str, chat: int | None = None,
                message_id: int | None = None) -> Call:
    """Someone presses a button carrying `data`; the answerCallbackQuery the bot gives."""
    mark = server.mark()
    server.push_callback_query(data, chat_id=user if chat is None else chat, user_id=user, message_id=message_id,
                               language_code=lang)
    return await server.wait_for("answerCallbackQuery", since=mark, timeout=30,
                                 predicate=lambda c: bool(c.params.get("text")))


async def toggle(server: FakeTelegram, call: Call, data: str, user: int = ADMIN, lang: str = "en") -> Call:
    """Press a button that changes the keyboard in place (a reminder); the edit."""
    mark = server.mark()
    server.push_callback_query(button(call, data), chat_id=user, user_id=user, message_id=call.result["message_id"],
                               language_code=lang)
    edited = await server.wait_for("editMessageReplyMarkup", since=mark, timeout=30)
    call.params["reply_markup"] = edited.params["reply_markup"]        # later presses read the new keyboard
    return edited
