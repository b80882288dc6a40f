"""The fake Bot API server works with the real, unmodified python-telegram-bot."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest
import tornado.netutil
from telegram import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)

from tests.fake_telegram import BOT_ID, WaitTimeout
from tests.tiny_bot import add_handlers, build_app

# --- tests ---------------------------------------------------------------------------------------


async def test_get_me_and_bootstrap(polling, server):
    app, _ = polling
    assert app.bot.id == BOT_ID
    assert app.bot.username == "SahabatTestBot"
    assert app.bot.bot.can_join_groups is True
    assert app.bot.bot.supports_inline_queries is True
    assert server.calls[0].method == "getMe"
    await server.wait_for("deleteWebhook")
    await server.wait_for("getUpdates")


async def test_echo_command_callback_inline(polling, server):
    app, _ = polling
    server.push_message("halo dunia", chat_id=42, user_id=42)
    call = await server.wait_for("sendMessage", chat_id=42)
    assert call.params["text"] == "<b>echo</b>: halo dunia"
    assert call.params["parse_mode"] == "HTML"
    assert call.result["text"] == "echo: halo dunia"  # Telegram returns parsed text + entities
    assert call.result["entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
    assert call.result["chat"] == {"id": 42, "type": "private", "first_name": "Test"}

    server.push_message("/start", chat_id=42, user_id=42)
    call = await server.wait_for("sendMessage", chat_id=42)
    assert call.text == "Halo! Saya Sahabat."
    assert call.buttons() == [{"text": "Topik", "callback_data": "t:id:"}]
    sent_id = call.result["message_id"]
    assert server.last_bot_message_id(42) == sent_id

    update = server.push_callback_query("t:id:", chat_id=42, user_id=42)
    answer = await server.wait_for("answerCallbackQuery")
    assert answer.params["callback_query_id"] == update["callback_query"]["id"]
    assert answer.params["text"] == "ok"
    edit = await server.wait_for("editMessageText", chat_id=42)
    assert edit.params["message_id"] == sent_id
    assert edit.text == "chosen t:id:"
    assert not edit.failed and edit.result["edit_date"]

    update = server.push_inline_query("visa kerja", user_id=43, language_code="ko")
    call = await server.wait_for("answerInlineQuery")
    assert call.params["inline_query_id"] == update["inline_query"]["id"]
    assert call.params["cache_time"] == 0
    [result] = call.params["results"]
    assert result["type"] == "article" and result["title"] == "visa kerja"
    assert result["input_message_content"]["message_text"] == "visa kerja"

    assert [c.text for c in server.sent_messages(42)] == [
        "<b>echo</b>: halo dunia", "Halo! Saya Sahabat.", "chosen t:id:"]


async def test_group_command_with_bot_username_and_mentions(polling, server):
    update = server.push_message("/ask@SahabatTestBot apa itu KITB?", chat_id=-100777, user_id=9,
                                 chat_type="supergroup", title="Mitra")
    message = update["message"]
    assert message["chat"] == {"id": -100777, "type": "supergroup", "title": "Mitra"}
    assert message["from"] == {"id": 9, "is_bot": False, "first_name": "Test", "language_code": "id"}
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 19}]
    call = await server.wait_for("sendMessage", chat_id=-100777)
    assert call.text == "ask:apa itu KITB?"
    assert call.params["reply_parameters"]["message_id"] == message["message_id"]
    assert call.result["reply_to_message"]["message_id"] == message["message_id"]
    assert call.result["chat"]["type"] == "supergroup"

    update = server.push_message("🙂 @SahabatTestBot halo", chat_id=-100777, user_id=9)
    assert update["message"]["entities"] == [{"type": "mention", "offset": 3, "length": 15}]
    call = await server.wait_for("sendMessage", chat_id=-100777)
    assert call.text == "<b>echo</b>: 🙂 @SahabatTestBot halo"

    # a command for another bot is not ours
    server.push_message("/ask@OtherBot x", chat_id=-100777, user_id=9)
    server.push_message("after", chat_id=-100777, user_id=9)
    call = await server.wait_for("sendMessage", chat_id=-100777)
    assert call.text == "<b>echo</b>: after"


async def test_reply_to_bot(polling, server):
    server.push_message("/start", chat_id=5, user_id=5)
    first = await server.wait_for("sendMessage", chat_id=5)
    update = server.push_message("terima kasih", chat_id=5, user_id=5, reply_to_bot=True)
    replied = update["message"]["reply_to_message"]
    assert replied["message_id"] == first.result["message_id"]
    assert replied["from"]["id"] == BOT_ID
    call = await server.wait_for("sendMessage", chat_id=5)
    assert call.text == "<b>reply-to-bot</b>: terima kasih"


async def test_my_chat_member_and_kicked_chat(polling, server):
    app, _ = polling
    server.push_my_chat_member(-4001, user_id=9, old_status="left", new_status="member", title="Grup")
    server.push_my_chat_member(-4001, user_id=9, old_status="member", new_status="kicked")
    server.push_my_chat_member(77, user_id=77, old_status="member", new_status="kicked")
    server.push_message("ping", chat_id=78, user_id=78)
    await server.wait_for("sendMessage", chat_id=78)  # all earlier updates were handled too
    assert app.bot_data["membership"] == [
        (-4001, "group", "left", "member"), (-4001, "group", "member", "kicked"),
        (77, "private", "member", "kicked")]
    assert server.member_status(-4001, BOT_ID) == "kicked"
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await app.bot.send_message(-4001, "hi")
    with pytest.raises(Forbidden, match="blocked by the user"):
        await app.bot.send_message(77, "hi")
    assert isinstance(await app.bot.get_chat_member(-4001, BOT_ID), ChatMemberBanned)


async def test_wait_for_consumes_and_times_out(server, bot_app):
    await bot_app.bot.send_message(1, "one")
    await bot_app.bot.send_message(2, "two")
    await bot_app.bot.send_message(1, "three")
    assert (await server.wait_for("sendMessage", chat_id=1)).text == "one"
    assert (await server.wait_for("sendMessage", chat_id=1)).text == "three"
    assert (await server.wait_for("sendMessage", lambda c: c.text == "two")).chat_id == 2
    mark = server.mark()
    with pytest.raises(WaitTimeout, match="sendMessage"):
        await server.wait_for("sendMessage", timeout=0.05, since=mark)
    waiter = asyncio.create_task(server.wait_for("sendMessage", chat_id=3, since=mark))
    await asyncio.sleep(0.02)
    assert not waiter.done()
    await bot_app.bot.send_message(3, "four")
    assert (await asyncio.wait_for(waiter, 1)).text == "four"
    assert len(server.calls_to("sendMessage")) == 4


async def test_long_polling(server, bot_app):
    bot = bot_app.bot
    started = time.monotonic()
    task = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not task.done()
    pushed = server.push_message("halo", chat_id=10, user_id=10)
    updates = await asyncio.wait_for(task, 1)
    assert time.monotonic() - started < 1
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert updates[0].message.text == "halo"
    assert updates[0].message.from_user.language_code == "id"

    # not confirmed yet: delivered again; offset confirms; limit caps
    more = [server.push_message(f"m{i}", chat_id=10, user_id=10)["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates()] == [pushed["update_id"], *more]
    assert [u.update_id for u in await bot.get_updates(offset=more[0], limit=2)] == more[:2]
    assert await bot.get_updates(offset=more[2] + 1) == ()
    assert server.pending_updates == []

    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 1.5

    # like Telegram, a second concurrent getUpdates terminates the first with 409 Conflict
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.root}/bot{server.token}/getUpdates", data={"timeout": "0"})
    assert response.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
        await asyncio.wait_for(first, 1)


async def test_chat_member_statuses(server, bot_app):
    expected = {"creator": ChatMemberOwner, "administrator": ChatMemberAdministrator,
                "member": ChatMemberMember, "restricted": ChatMemberRestricted,
                "left": ChatMemberLeft, "kicked": ChatMemberBanned}
    member = await bot_app.bot.get_chat_member(-100200, 300)
    assert isinstance(member, ChatMemberMember) and member.user.id == 300
    for status, cls in expected.items():
        server.set_member_status(-100200, 300, status)
        member = await bot_app.bot.get_chat_member(-100200, 300)
        assert type(member) is cls, status
        assert member.status == status
    server.set_member_status(-100200, 301, "administrator", custom_title="Ketua")
    admin = await bot_app.bot.get_chat_member(-100200, 301)
    assert admin.custom_title == "Ketua" and admin.can_restrict_members is True
    me = await bot_app.bot.get_chat_member(-100200, BOT_ID)
    assert me.user.is_bot and me.user.username == "SahabatTestBot"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_error_injection(server, bot_app):
    bot = bot_app.bot
    server.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "a")
    assert (await bot.send_message(1, "b")).text == "b"  # count=1: only the next call fails

    server.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the group chat", chat_id=-5)
    assert (await bot.send_message(-6, "other chat")).chat.id == -6
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(-5, "c")

    server.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                     {"migrate_to_chat_id": -100123}, count=2)
    for _ in range(2):
        with pytest.raises(ChatMigrated) as caught:
            await bot.send_message(-7, "d")
        assert caught.value.new_chat_id == -100123
    await bot.send_message(-7, "e")

    failed = [c for c in server.calls_to("sendMessage") if c.failed]
    assert [c.error["error_code"] for c in failed] == [429, 403, 400, 400]
    assert failed[0].error["parameters"] == {"retry_after": 1}
    assert [c.text for c in server.sent_messages()] == ["b", "other chat", "e"]

    server.fail_next("getMe", 502, count=None)
    for _ in range(2):
        with pytest.raises(Exception):
            await bot.get_me()
    server.clear_failures()
    assert (await bot.get_me()).id == BOT_ID


async def test_wrong_token_and_unknown_method(server, bot_app):
    app = build_app(server, token="123456:WRONG-token")
    with pytest.raises(InvalidToken):
        await app.initialize()
    await app.bot.request.shutdown()
    assert server.unauthorized_requests == 1
    assert all(call.method != "getMe" or call.index == 0 for call in server.calls)

    with pytest.raises(EndPointNotFound):
        await bot_app.bot.do_api_request("noSuchMethod")
    assert server.calls[-1].method == "noSuchMethod" and server.calls[-1].failed

    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.root}/bot{server.token}/noSuchMethod")
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404,
                                   "description": "Not Found: method not found"}
        response = await client.post(f"{server.root}/botnope/getMe")
        assert response.status_code == 401
        assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        response = await client.get(f"{server.root}/bot{server.token}/getMe")  # GET works too
        assert response.json()["result"]["username"] == "SahabatTestBot"
        response = await client.post(f"{server.root}/bot{server.token}/sendMessage",
                                     json={"chat_id": 8, "text": "123"})  # JSON bodies too
        assert response.json()["result"]["text"] == "123"
        assert server.calls[-1].params == {"chat_id": 8, "text": "123"}


async def test_parameter_decoding(server, bot_app):
    bot = bot_app.bot
    await bot.send_message(12, "42", disable_notification=True,
                           reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", url="https://e.x")]]))
    call = server.calls[-1]
    assert call.params["chat_id"] == 12
    assert call.params["text"] == "42"  # text stays a str even though it looks like a number
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == {"inline_keyboard": [[{"text": "x", "url": "https://e.x"}]]}


async def test_telegram_like_validation(server, bot_app):
    bot = bot_app.bot
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(1, "<b>bold</i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(1, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(1, "x" * 4097)
    assert len((await bot.send_message(1, "&amp;" * 4096, parse_mode=ParseMode.HTML)).text) == 4096
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.send_message(1, "<b> </b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(1, "k", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("b", callback_data="x" * 65)]]))

    sent = await bot.send_message(1, 'A <a href="https://x.y">link</a> &lt;ok&gt;',
                                  parse_mode=ParseMode.HTML)
    assert sent.text == "A link <ok>"
    assert sent.entities == (MessageEntity(MessageEntity.TEXT_LINK, 2, 4, url="https://x.y"),)
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text('A <a href="https://x.y">link</a> &lt;ok&gt;', 1,
                                    sent.message_id, parse_mode=ParseMode.HTML)
    edited = await bot.edit_message_text("B", 1, sent.message_id)
    assert edited.text == "B" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("C", 1, 99999)

    update = server.push_callback_query("d", chat_id=1, user_id=1)
    query_id = update["callback_query"]["id"]
    assert update["callback_query"]["message"]["message_id"] == sent.message_id
    assert await bot.answer_callback_query(query_id) is True
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_webhook_delivery(server):
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    for sock in sockets:
        sock.close()
    app = build_app(server)
    errors: list = []
    add_handlers(app, errors)
    await app.initialize()
    await app.start()
    await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook",
                                    webhook_url=f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
    try:
        set_call = await server.wait_for("setWebhook")
        assert set_call.params["url"] == f"http://127.0.0.1:{port}/hook"
        assert set_call.params["secret_token"] == "s3cret"
        assert server.webhook_url == f"http://127.0.0.1:{port}/hook"
        with pytest.raises(Exception, match="webhook is active"):
            await app.bot.get_updates()

        update = server.push_message("lewat webhook", chat_id=31, user_id=31)
        call = await server.wait_for("sendMessage", chat_id=31)
        assert call.text == "<b>echo</b>: lewat webhook"
        assert [(d.update_id, d.status) for d in server.webhook_deliveries] == [(update["update_id"], 200)]
        assert server.pending_updates == []
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert errors == []


async def test_latency(server, bot_app):
    server.latency = 0.2
    started = time.monotonic()
    await bot_app.bot.get_me()
    assert time.monotonic() - started >= 0.2


async def test_overrides_and_uploads(server, bot_app):
    server.on("getChatMemberCount", lambda call: 17 if call.params["chat_id"] == -100 else 1)
    assert await bot_app.bot.get_chat_member_count(-100) == 17

    async def photo(call):
        return {"message_id": 1, "date": 0, "chat": server.chat(call.chat_id),
                "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]}

    server.on("sendPhoto", photo)
    message = await bot_app.bot.send_photo(9, b"\x89PNG fake", caption="gambar")
    assert message.photo[0].file_id == "f"
    call = server.calls[-1]
    assert call.params["caption"] == "gambar"
    assert call.files["photo"].data == b"\x89PNG fake"


async def test_token_never_logged(server, bot_app, caplog):
    caplog.set_level(logging.DEBUG, logger="fake_telegram")
    caplog.set_level(logging.DEBUG, logger="tornado")
    await bot_app.bot.get_me()
    with pytest.raises(EndPointNotFound):
        await bot_app.bot.do_api_request("noSuchMethod")
    server.on("getMe", lambda call: 1 / 0)  # an exception inside the server is logged too
    with pytest.raises(Exception):
        await bot_app.bot.get_me()
    ours = [r for r in caplog.records if r.name.startswith(("fake_telegram", "tornado"))]
    assert any("bot<token>/getMe" in r.getMessage() for r in ours)
    for record in ours:
        assert server.token not in record.getMessage()
        assert server.token not in (caplog.text or "")
    assert server.token not in repr(server)
    json.dumps([c.params for c in server.calls if c.method != "sendPhoto"])  # calls are plain data
