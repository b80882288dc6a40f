"""The fake Bot API server works with the real, unmodified python-telegram-bot."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from html import escape

import httpx
import pytest
import tornado.netutil
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    BotCommandScopeDefault,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    MessageEntity,
    Update,
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
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from tests.fake_telegram import BOT_ID, FakeTelegram, WaitTimeout, detect_entities, parse_html

TOKEN = "123456:TEST-token"


def build_app(server: FakeTelegram, token: str | None = None) -> Application:
    return (Application.builder().token(token or server.token)
            .base_url(f"{server.root}/bot").base_file_url(f"{server.root}/file/bot").build())


@pytest.fixture
async def server():
    async with FakeTelegram(token=TOKEN) as srv:
        yield srv


@pytest.fixture
async def bot_app(server):
    """Initialized, not polling: for calling app.bot directly."""
    app = build_app(server)
    await app.initialize()
    yield app
    await app.shutdown()


# --- a tiny bot ---------------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        "Halo! Saya Sahabat.",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Topik", callback_data="t:id:")]]))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("ask:" + " ".join(context.args))


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    replied = message.reply_to_message
    prefix = "reply-to-bot" if replied and replied.from_user and replied.from_user.id == context.bot.id else "echo"
    await message.reply_html(f"<b>{prefix}</b>: {escape(message.text)}")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("ok")
    await query.edit_message_text(f"chosen {query.data}")


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    q = update.inline_query.query
    await update.inline_query.answer(
        [InlineQueryResultArticle(id="1", title=q, input_message_content=InputTextMessageContent(q))],
        cache_time=0)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    document = update.effective_message.document
    data = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
    await update.effective_message.reply_text(
        f"got {len(data)} bytes {document.file_name} {document.mime_type} "
        f"{hashlib.sha256(data).hexdigest()[:12]} caption={update.effective_message.caption}")


async def my_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    context.bot_data.setdefault("membership", []).append(
        (change.chat.id, change.chat.type, change.old_chat_member.status, change.new_chat_member.status))


def add_handlers(app: Application, errors: list) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("ask", ask))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(InlineQueryHandler(inline))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(ChatMemberHandler(my_member, ChatMemberHandler.MY_CHAT_MEMBER))

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app.add_error_handler(on_error)


@pytest.fixture
async def polling(server):
    """The tiny bot, polling the fake server. Yields (app, errors)."""
    app = build_app(server)
    errors: list = []
    add_handlers(app, errors)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    yield app, errors
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert errors == []


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
        response = await client.post(f"{server.root}/bot{TOKEN}/getUpdates", data={"timeout": "0"})
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
        response = await client.post(f"{server.root}/bot{TOKEN}/noSuchMethod")
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404,
                                   "description": "Not Found: method not found"}
        response = await client.post(f"{server.root}/botnope/getMe")
        assert response.status_code == 401
        assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        response = await client.get(f"{server.root}/bot{TOKEN}/getMe")  # GET works too
        assert response.json()["result"]["username"] == "SahabatTestBot"
        response = await client.post(f"{server.root}/bot{TOKEN}/sendMessage",
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


async def test_commands_menu_chat(server, bot_app):
    from telegram import BotCommand, BotCommandScopeAllGroupChats, MenuButtonCommands

    bot = bot_app.bot
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("ask", "Tanya")],
                              language_code="id")
    await bot.set_my_commands([BotCommand("ask", "Ask a question")],
                              scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in await bot.get_my_commands(language_code="id")] == ["start", "ask"]
    assert [c.description for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] \
        == ["Ask a question"]
    assert await bot.get_my_commands() == ()
    assert server.commands({"type": "all_group_chats"}) == [
        {"command": "ask", "description": "Ask a question"}]
    await bot.delete_my_commands(language_code="id")
    assert await bot.get_my_commands(language_code="id") == ()
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    assert server.calls_to("setChatMenuButton")[-1].params["menu_button"] == {"type": "commands"}

    server.push_message("hi", chat_id=-100300, user_id=3, chat_type="supergroup", title="Mitra")
    chat = await bot.get_chat(-100300)
    assert chat.type == "supergroup" and chat.title == "Mitra"
    assert (await bot.get_chat(55)).type == "private"
    assert await bot.send_chat_action(55, "typing") is True
    assert await bot.leave_chat(-100300) is True
    assert server.member_status(-100300, BOT_ID) == "left"
    assert await bot.log_out() is True
    assert await bot.close() is True


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


def test_html_parser_and_entity_detection():
    text, entities = parse_html('<b>a<i>😀b</i></b> <pre><code class="language-py">x</code></pre>'
                                '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>')
    assert text == "a😀b xsq"
    assert entities == [
        {"offset": 0, "length": 4, "type": "bold"},
        {"offset": 1, "length": 3, "type": "italic"},
        {"offset": 5, "length": 1, "type": "pre", "language": "py"},
        {"offset": 6, "length": 1, "type": "spoiler"},
        {"offset": 7, "length": 1, "type": "expandable_blockquote"},
    ]
    assert detect_entities("/start@SahabatTestBot hi @someone see https://x.id/a #visa") == [
        {"type": "bot_command", "offset": 0, "length": 21},
        {"type": "mention", "offset": 25, "length": 8},
        {"type": "url", "offset": 38, "length": 14},
        {"type": "hashtag", "offset": 53, "length": 5},
    ]
    assert detect_entities("a/b and x@y.com") == []


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
        info = await app.bot.get_webhook_info()
        assert info.url == f"http://127.0.0.1:{port}/hook"
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
        assert TOKEN not in record.getMessage()
        assert TOKEN not in (caplog.text or "")
    assert TOKEN not in repr(server)
    json.dumps([c.params for c in server.calls if c.method != "sendPhoto"])  # calls are plain data


# --- files ---------------------------------------------------------------------------------------
async def test_push_document_is_downloaded_by_the_bot(polling, server):
    data = "faq:\n  - q: Apa itu KITAS?\n    a: Izin tinggal terbatas. ✓\n".encode() * 5000
    data += bytes(range(256))  # ~290 KB, not all of it UTF-8
    update = server.push_document(data, "kb.yaml", chat_id=42, user_id=42, caption="/upload #kb",
                                  username="budi")
    message = update["message"]
    document = message["document"]
    assert document["file_name"] == "kb.yaml"
    assert document["mime_type"] == "application/x-yaml"
    assert document["file_size"] == len(data)
    assert document["file_id"] != document["file_unique_id"]
    assert message["caption"] == "/upload #kb" and "text" not in message
    assert [e["type"] for e in message["caption_entities"]] == ["bot_command", "hashtag"]
    assert message["from"]["username"] == "budi"
    assert server.file_data(document["file_id"]) == data

    call = await server.wait_for("sendMessage", chat_id=42)
    assert call.text == (f"got {len(data)} bytes kb.yaml application/x-yaml "
                         f"{hashlib.sha256(data).hexdigest()[:12]} caption=/upload #kb")
    get_file = server.calls_to("getFile")[-1]
    assert get_file.params == {"file_id": document["file_id"]}
    assert get_file.result["file_path"].startswith("documents/file_")
    assert get_file.result["file_path"].endswith(".yaml")
    assert server.file_downloads == [get_file.result["file_path"]]

    # options of push_message work too: a document in a group, replying to the bot
    server.push_message("halo", chat_id=-100900, user_id=9, chat_type="supergroup", title="Mitra")
    await server.wait_for("sendMessage", chat_id=-100900)
    update = server.push_document(b"x: 1\n", "small.yml", chat_id=-100900, user_id=9,
                                  mime_type=None, reply_to_bot=True, first_name="Budi")
    assert update["message"]["reply_to_message"]["from"]["id"] == BOT_ID
    assert update["message"]["from"]["first_name"] == "Budi"
    assert update["message"]["chat"]["title"] == "Mitra"
    call = await server.wait_for("sendMessage", chat_id=-100900)
    assert call.text.startswith("got 5 bytes small.yml None ")
    assert call.text.endswith("caption=None")


async def test_get_file_and_file_route(server, bot_app):
    bot = bot_app.bot
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await bot.get_file("no-such-file")
    assert server.calls[-1].error["description"] == "Bad Request: invalid file_id"

    update = server.push_document(b"a: 1\n", "data.yaml", chat_id=5, user_id=5)
    file_id = update["message"]["document"]["file_id"]
    file = await bot.get_file(file_id)
    path = server.calls[-1].result["file_path"]
    assert not path.startswith("http")  # relative, like Telegram; PTB prefixes base_file_url
    assert file.file_path == f"{server.root}/file/bot{TOKEN}/{path}"
    assert file.file_size == 5 and file.file_unique_id == update["message"]["document"]["file_unique_id"]
    assert (await bot.get_file(file_id)).file_path == file.file_path  # stable across calls
    assert bytes(await file.download_as_bytearray()) == b"a: 1\n"

    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.root}/file/bot{TOKEN}/{path}")
        assert response.status_code == 200 and response.content == b"a: 1\n"
        response = await client.get(f"{server.root}/file/bot123456:WRONG/{path}")
        assert response.status_code == 401
        assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        response = await client.get(f"{server.root}/file/bot{TOKEN}/documents/file_999.yaml")
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert server.file_downloads == [path, path]

    photo = server.add_file(b"\x89PNG", "p.png", "image/png", kind="photo")
    assert photo["file_id"].startswith("AgAC") and photo["file_size"] == 4
    assert "/photos/file_" in (await bot.get_file(photo["file_id"])).file_path

    server.max_download_size = 4
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.get_file(file_id)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_send_document(server, bot_app):
    bot = bot_app.bot
    server.push_message("minta file", chat_id=7, user_id=7)
    asked = server.message(7, server.updates[-1]["message"]["message_id"])
    sent = await bot.send_document(
        7, InputFile(b"jawaban: ya\n", filename="out.yaml"), caption="<b>Hasil</b> ekspor",
        parse_mode=ParseMode.HTML, reply_to_message_id=asked["message_id"])
    assert sent.document.file_name == "out.yaml" and sent.document.file_size == 12
    assert sent.caption == "Hasil ekspor"
    assert sent.caption_entities == (MessageEntity(MessageEntity.BOLD, 0, 5),)
    assert sent.reply_to_message.message_id == asked["message_id"]
    assert sent.from_user.id == BOT_ID and sent.chat.id == 7

    [call] = server.sent_documents(7)
    upload = call.files["document"]
    assert (upload.filename, upload.data) == ("out.yaml", b"jawaban: ya\n")
    assert upload.content_type == sent.document.mime_type
    assert call.params["caption"] == "<b>Hasil</b> ekspor"
    assert server.last_bot_message_id(7) == sent.message_id
    assert bytes(await (await bot.get_file(sent.document.file_id)).download_as_bytearray()) \
        == b"jawaban: ya\n"

    # by file_id: the same file; plain bytes get PTB's default name
    again = await bot.send_document(8, sent.document.file_id)
    assert again.document.file_unique_id == sent.document.file_unique_id and again.caption is None
    raw = await bot.send_document(8, b"\x00\x01")
    assert raw.document.file_size == 2 and raw.document.mime_type == "application/octet-stream"
    assert [c.chat_id for c in server.sent_documents()] == [7, 8, 8]

    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(8, "not-a-file-id")
    with pytest.raises(BadRequest, match="(?i)must be non-empty"):
        await bot.send_document(8, InputFile(b"", filename="empty.txt"))
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_document(8, sent.document.file_id, caption="x" * 1025)
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_document(8, sent.document.file_id, reply_to_message_id=99999)
    with pytest.raises(BadRequest, match="(?i)no text in the message to edit"):
        await bot.edit_message_text("teks", 7, sent.message_id)

    # the same 403s and error injection as sendMessage
    server.push_my_chat_member(77, user_id=77, old_status="member", new_status="kicked")
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_document(77, InputFile(b"x", filename="a.txt"))
    server.set_member_status(-100400, BOT_ID, "kicked")
    with pytest.raises(Forbidden, match="kicked from the supergroup chat"):
        await bot.send_document(-100400, InputFile(b"x", filename="a.txt"))
    server.fail_next("sendDocument", 429, chat_id=9)
    with pytest.raises(RetryAfter):
        await bot.send_document(9, InputFile(b"x", filename="a.txt"))
    assert (await bot.send_document(9, InputFile(b"x", filename="a.txt"))).document.file_size == 1
    assert [c.error["error_code"] for c in server.sent_documents(include_failed=True) if c.failed] \
        == [400, 400, 400, 400, 403, 403, 429]
    assert len(server.sent_documents()) == 4


async def test_chat_scope_commands(server, bot_app):
    bot = bot_app.bot
    await bot.set_my_commands([BotCommand("start", "Mulai")])
    await bot.set_my_commands([BotCommand("admin", "Khusus chat ini")], scope=BotCommandScopeChat(42))
    await bot.set_my_commands([BotCommand("grup", "Grup")], scope=BotCommandScopeChat(-100500),
                              language_code="en")
    await bot.set_my_commands([BotCommand("saya", "Untuk Budi")],
                              scope=BotCommandScopeChatMember(-100500, 9))

    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(42))] == ["admin"]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.get_my_commands(scope=BotCommandScopeChat(43)) == ()
    assert await bot.get_my_commands(scope=BotCommandScopeChat(-100500)) == ()  # no language fallback
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(-100500),
                                                         language_code="en")] == ["grup"]
    expected = [{"command": "admin", "description": "Khusus chat ini"}]
    assert server.commands({"type": "chat", "chat_id": 42}) == expected
    assert server.commands({"chat_id": "42", "type": "chat"}) == expected
    assert server.commands(BotCommandScopeChat(42)) == expected
    assert server.commands({"type": "chat", "chat_id": -100500}, "en") == [
        {"command": "grup", "description": "Grup"}]
    assert server.commands({"type": "chat_member", "chat_id": -100500, "user_id": 9}) == [
        {"command": "saya", "description": "Untuk Budi"}]
    assert server.commands(BotCommandScopeDefault()) == [{"command": "start", "description": "Mulai"}]
    assert server.calls_to("setMyCommands")[1].params["scope"] == {"type": "chat", "chat_id": 42}

    # a @username scope lands on the chat's id
    server.set_chat(-100600, "supergroup", title="Mitra", username="mitra_grp")
    await bot.set_my_commands([BotCommand("info", "Info")], scope=BotCommandScopeChat("@mitra_grp"))
    assert server.commands({"type": "chat", "chat_id": -100600}) == [
        {"command": "info", "description": "Info"}]
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.set_my_commands([BotCommand("info", "Info")], scope=BotCommandScopeChat("@nobody"))

    assert await bot.delete_my_commands(scope=BotCommandScopeChat(42)) is True
    assert await bot.get_my_commands(scope=BotCommandScopeChat(42)) == ()
    assert server.commands({"type": "chat", "chat_id": 42}) == []
    assert [c.command for c in await bot.get_my_commands()] == ["start"]  # other scopes untouched
