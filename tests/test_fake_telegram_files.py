"""The fake Bot API server: files, media, commands, HTML and replies, as Telegram handles them."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    BotCommandScopeDefault,
    InputFile,
    MessageEntity,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    RetryAfter,
)

from tests.fake_telegram import BOT_ID, detect_entities, parse_html


async def test_commands_menu(server, bot_app):
    from telegram import BotCommand, BotCommandScopeAllGroupChats

    bot = bot_app.bot
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("ask", "Tanya")],
                              language_code="id")
    await bot.set_my_commands([BotCommand("ask", "Ask a question")],
                              scope=BotCommandScopeAllGroupChats())
    assert [c["command"] for c in server.commands(language_code="id")] == ["start", "ask"]
    assert server.commands({"type": "all_group_chats"}) == [
        {"command": "ask", "description": "Ask a question"}]
    assert server.commands() == []
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_methods_the_bot_never_calls_are_not_found(server, bot_app):
    """The fake implements what the bot calls; a new kind of call shows up as a 404 in the tests
    (and `server.on` can stand in for it) instead of passing unchecked."""
    bot = bot_app.bot
    for call in (bot.get_chat(55), bot.send_chat_action(55, "typing"), bot.leave_chat(-100300),
                 bot.delete_message(55, 1), bot.get_my_commands(), bot.get_webhook_info()):
        with pytest.raises(Exception, match="(?i)not found"):
            await call
    server.on("sendChatAction", lambda call: True)
    assert await bot.send_chat_action(55, "typing") is True


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
    assert file.file_path == f"{server.root}/file/bot{server.token}/{path}"
    assert file.file_size == 5 and file.file_unique_id == update["message"]["document"]["file_unique_id"]
    assert (await bot.get_file(file_id)).file_path == file.file_path  # stable across calls
    assert bytes(await file.download_as_bytearray()) == b"a: 1\n"

    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.root}/file/bot{server.token}/{path}")
        assert response.status_code == 200 and response.content == b"a: 1\n"
        response = await client.get(f"{server.root}/file/bot123456:WRONG/{path}")
        assert response.status_code == 401
        assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        response = await client.get(f"{server.root}/file/bot{server.token}/documents/file_999.yaml")
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

    assert [c["command"] for c in server.commands(BotCommandScopeChat(42))] == ["admin"]
    assert [c["command"] for c in server.commands()] == ["start"]
    assert server.commands(BotCommandScopeChat(43)) == []
    assert server.commands(BotCommandScopeChat(-100500)) == []  # no language fallback
    assert [c["command"] for c in server.commands(BotCommandScopeChat(-100500), "en")] == ["grup"]
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

    # setting a scope again replaces its list, and only that scope's
    await bot.set_my_commands([BotCommand("help", "Bantuan")], scope=BotCommandScopeChat(42))
    assert [c["command"] for c in server.commands(BotCommandScopeChat(42))] == ["help"]
    assert [c["command"] for c in server.commands()] == ["start"]


async def test_media_messages_are_shaped_as_telegram_sends_them(server, bot_app):
    from telegram import Update as PtbUpdate

    photo = server.push_media("photo", caption="@SahabatTestBot berapa luas kitb?", chat_id=-100800, user_id=5)
    message = PtbUpdate.de_json(photo, bot_app.bot).message
    assert len(message.photo) == 2 and message.photo[-1].width == 1280 and message.text is None
    assert message.caption == "@SahabatTestBot berapa luas kitb?"
    assert [(e.type, value) for e, value in message.parse_caption_entities().items()] == [
        ("mention", "@SahabatTestBot")]
    sticker = PtbUpdate.de_json(server.push_media("sticker", user_id=5), bot_app.bot).message
    assert sticker.sticker.emoji == "👍" and sticker.caption is None and sticker.chat.type == "private"
    voice = PtbUpdate.de_json(server.push_media("voice", caption="halo", user_id=5), bot_app.bot).message
    assert voice.voice.mime_type == "audio/ogg" and voice.caption == "halo"
    with pytest.raises(ValueError, match="no caption"):
        server.push_media("sticker", caption="x", user_id=5)
    with pytest.raises(ValueError, match="kind must be one of"):
        server.push_media("hologram", user_id=5)


async def test_replying_to_a_deleted_message_needs_allow_sending_without_reply(server, bot_app):
    from telegram import ReplyParameters

    question = server.push_message("/ask berapa luas kitb", chat_id=-100801, user_id=6)["message"]
    server.delete_message(-100801, question["message_id"])
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot_app.bot.send_message(-100801, "4.300 ha", reply_parameters=ReplyParameters(question["message_id"]))
    sent = await bot_app.bot.send_message(-100801, "4.300 ha", reply_parameters=ReplyParameters(
        question["message_id"], allow_sending_without_reply=True))
    assert sent.reply_to_message is None and sent.text == "4.300 ha"
