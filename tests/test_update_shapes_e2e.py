"""Updates shaped as real groups and clients send them, beyond the field failures already fixed:
edits, channel posts (never asked for), forwards, messages sent through inline mode, replies to someone else's
question, forum topics, service messages, polls and dice, buttons pressed on inline or very old
messages or twice in a row, the bot's membership in a channel. Each is answered or ignored
sensibly, and none reaches the error handler. The real bot, real HTTP, a real SQLite file."""

from __future__ import annotations

import itertools
import logging
import time

import pytest

from bot.knowledge.loader import load_directory
from tests.fake_telegram.pushing import BOT_ID, BOT_USERNAME
from tests.telegram_harness import ask, running_bot, silence

ADMIN, USER, OTHER = 4201, 4202, 4203
GROUP, CHANNEL = -1004201, -1004203
TOPIC = 77
BOT = {"id": BOT_ID, "is_bot": True, "first_name": "Sahabat", "username": BOT_USERNAME}
MENTION = f"@{BOT_USERNAME}"
_ids = itertools.count(50_000)


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    server.set_chat(GROUP, "supergroup", title="Jateng–Chungbuk")
    server.set_chat(CHANNEL, "channel", title="Kabar KITB")
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           admins=frozenset({ADMIN})) as app:
        yield app
    # Nothing failed: no update reached the error handler (nor failed to parse), no administrator was told.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [c.text for c in server.calls_to("sendMessage", ADMIN) if "⚠️" in (c.text or "")] == []


def person(user_id=USER, language_code="en"):
    return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": language_code}


def chat(chat_id):
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Test"}
    return {"id": chat_id, "type": "channel" if chat_id == CHANNEL else "supergroup", "title": "Jateng–Chungbuk"}


def message(chat_id, text=None, *, sender=None, **fields):
    """A message as Telegram sends it; `sender=False` for a channel post (no `from`)."""
    body = {"message_id": next(_ids), "date": int(time.time()), "chat": chat(chat_id), **fields}
    if sender is not False:
        body["from"] = sender or person()
    if text is not None:
        body["text"] = text
        if text.startswith(MENTION):
            body["entities"] = [{"type": "mention", "offset": 0, "length": len(MENTION)}]
        elif text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return body


def bot_message(chat_id, text="…"):
    return {"message_id": next(_ids), "date": int(time.time()), "chat": chat(chat_id), "from": BOT, "text": text}


async def unanswered(server, chat_id, update):
    mark = server.mark()
    server.push_raw(update)
    await silence(server, chat_id, since=mark)


async def answered(server, chat_id, update, timeout=10):
    mark = server.mark()
    server.push_raw(update)
    return await server.wait_for("sendMessage", chat_id=chat_id, since=mark, timeout=timeout)


def says_area(call):
    return "4,300" in call.text or "4.300" in call.text


# -- edits and inline-mode messages: never a second answer, never the bot's own text ---------------
@pytest.mark.parametrize("chat_id, text", [(GROUP, f"{MENTION} How big is KITB?"), (USER, "How big is KITB?")],
                         ids=["group mention", "private"])
async def test_an_edited_question_is_not_answered_again(server, bot, chat_id, text):
    first = message(chat_id, text)
    assert says_area(await answered(server, chat_id, {"message": first}))
    edited = {**first, "text": text.replace("KITB", "KITB ?"), "edit_date": int(time.time())}
    await unanswered(server, chat_id, {"edited_message": edited})


NOT_SUBSCRIBED = ("channel_post", "edited_channel_post", "business_message", "edited_business_message",
                  "chat_join_request", "message_reaction", "message_reaction_count", "poll", "poll_answer")


async def test_updates_the_bot_has_no_use_for_are_not_asked_of_telegram(server, bot):
    # Channel posts, business chats, join requests, reactions and poll answers are never delivered:
    # the bot answers none of them, and Telegram only sends what getUpdates (or the webhook) asks for.
    asked = server._allowed_updates
    assert asked and "message" in asked and "callback_query" in asked and "inline_query" in asked
    assert not set(NOT_SUBSCRIBED) & set(asked)
    for kind in ("channel_post", "edited_channel_post"):
        post = message(CHANNEL, f"{MENTION} How big is KITB?", sender=False, sender_chat=chat(CHANNEL))
        await unanswered(server, CHANNEL, {kind: post})


@pytest.mark.parametrize("chat_id", [USER, GROUP], ids=["private", "group, replying to the bot"])
async def test_a_message_sent_through_inline_mode_is_not_a_question(server, bot, chat_id):
    # A user picked one of the bot's inline answers: its text is the bot's own answer.
    sent = message(chat_id, "In all, KITB has 4,300 hectares of land.", via_bot=BOT,
                   reply_to_message=bot_message(chat_id))
    await unanswered(server, chat_id, {"message": sent})


# -- forwards and replies --------------------------------------------------------------------------
async def test_a_forwarded_mention_in_a_group_is_not_addressed_to_the_bot(server, bot):
    origin = {"type": "user", "date": int(time.time()) - 3600, "sender_user": person(OTHER)}
    await unanswered(server, GROUP, {"message": message(GROUP, f"{MENTION} How big is KITB?", forward_origin=origin)})


async def test_a_question_forwarded_to_the_bot_in_private_is_answered(server, bot):
    origin = {"type": "hidden_user", "date": int(time.time()) - 3600, "sender_user_name": "Someone"}
    assert says_area(await answered(server, USER, {"message": message(USER, "How big is KITB?",
                                                                       forward_origin=origin)}))


@pytest.mark.parametrize("question", [{"text": "How big is KITB?"},
                                      {"caption": "How big is KITB?", "photo": [
                                          {"file_id": "AgAC1", "file_unique_id": "AQAD1", "width": 90, "height": 60}]}],
                         ids=["text", "caption"])
async def test_a_bare_mention_replying_to_someone_asks_their_question(server, bot, question):
    theirs = message(GROUP, sender=person(OTHER, "id"), **question)
    reply = await answered(server, GROUP, {"message": message(GROUP, MENTION, reply_to_message=theirs)})
    assert says_area(reply)


async def test_a_bare_mention_replying_to_a_message_without_text_gets_the_hint(server, bot):
    sticker = message(GROUP, sender=person(OTHER), sticker={
        "file_id": "CAAC1", "file_unique_id": "AQAD2", "type": "regular", "width": 512, "height": 512,
        "is_animated": False, "is_video": False})
    hint = await answered(server, GROUP, {"message": message(GROUP, MENTION, reply_to_message=sticker)})
    assert MENTION in hint.text and not says_area(hint)


# -- forum topics: every reply stays in the topic it answers ---------------------------------------
def in_topic(call):
    return str(call.params.get("message_thread_id")) == str(TOPIC)


@pytest.mark.parametrize("text", [f"{MENTION} How big is KITB?", "/ask How big is KITB?", MENTION, "/ask", "/help",
                                  "/start", "/topics", f"{MENTION} who signed"])
async def test_replies_in_a_forum_topic_stay_in_the_topic(server, bot, text):
    sent = message(GROUP, text, message_thread_id=TOPIC, is_topic_message=True)
    reply = await answered(server, GROUP, {"message": sent})
    assert in_topic(reply), reply.params


async def test_a_did_you_mean_button_in_a_forum_topic_answers_in_the_topic(server, bot):
    offered = await answered(server, GROUP, {"message": message(GROUP, f"{MENTION} who signed",
                                                                message_thread_id=TOPIC, is_topic_message=True)})
    assert offered.buttons(), offered.text
    # Telegram sends the bot's message back with the press, its topic included.
    server._messages[(GROUP, offered.result["message_id"])].update(message_thread_id=TOPIC, is_topic_message=True)
    mark = server.mark()
    server.push_callback_query(offered.buttons()[0]["callback_data"], chat_id=GROUP, user_id=USER,
                               message_id=offered.result["message_id"])
    answer = await server.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=10)
    assert in_topic(answer), answer.params


# -- long texts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("chat_id, prefix", [(USER, ""), (GROUP, f"{MENTION} ")], ids=["private", "group"])
async def test_a_question_of_4096_characters_is_answered(server, bot, chat_id, prefix):
    text = (prefix + "Berapa luas KITB? " * 300)[:4096]
    reply = await answered(server, chat_id, {"message": message(chat_id, text)})
    assert says_area(reply) and len(reply.text) <= 4096


async def test_a_text_with_links_is_read_as_text(server, bot):
    sent = message(USER, "How big is KITB? https://kitb.example",
                   entities=[{"type": "text_link", "offset": 0, "length": 3, "url": "https://kitb.example"},
                             {"type": "url", "offset": 17, "length": 20}])
    assert says_area(await answered(server, USER, {"message": sent}))


# -- noise: ignored in groups and channels ---------------------------------------------------------
POLL = {"id": "5001", "question": "Ikut rapat?", "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
        "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
        "members_only": False,
        "options": [{"text": "Ya", "voter_count": 0, "persistent_id": "o1"},
                    {"text": "Tidak", "voter_count": 0, "persistent_id": "o2"}]}
LOCATION = {"latitude": -6.91, "longitude": 109.73}
NOISE = {
    "a lone link": (GROUP, lambda: {"message": message(GROUP, "https://kitb.example", entities=[
        {"type": "url", "offset": 0, "length": 20}])}),
    "a lone mention of another bot": (GROUP, lambda: {"message": message(GROUP, "@OtherHelperBot", entities=[
        {"type": "mention", "offset": 0, "length": 15}])}),
    "another bot's mention in a caption": (GROUP, lambda: {"message": message(
        GROUP, photo=[{"file_id": "AgAC2", "file_unique_id": "AQAD3", "width": 90, "height": 60}],
        caption="@OtherHelperBot How big is KITB?",
        caption_entities=[{"type": "mention", "offset": 0, "length": 15}])}),
    "new members": (GROUP, lambda: {"message": message(GROUP, new_chat_members=[person(OTHER)])}),
    "the bot among new members": (GROUP, lambda: {"message": message(GROUP, new_chat_members=[BOT])}),
    "a member left": (GROUP, lambda: {"message": message(GROUP, left_chat_member=person(OTHER))}),
    "a pinned answer": (GROUP, lambda: {"message": message(GROUP, pinned_message=bot_message(GROUP, "KITB"))}),
    "a forum topic created": (GROUP, lambda: {"message": message(
        GROUP, message_thread_id=TOPIC + 1, is_topic_message=True,
        forum_topic_created={"name": "KITB", "icon_color": 7322096})}),
    "a poll": (GROUP, lambda: {"message": message(GROUP, poll=POLL)}),
    "dice": (GROUP, lambda: {"message": message(GROUP, dice={"emoji": "🎲", "value": 4})}),
    "a location replying to the bot": (GROUP, lambda: {"message": message(GROUP, location=LOCATION,
                                                                          reply_to_message=bot_message(GROUP))}),
    "a member joined (chat_member)": (GROUP, lambda: {"chat_member": {
        "chat": chat(GROUP), "from": person(OTHER), "date": int(time.time()),
        "old_chat_member": {"status": "left", "user": person(OTHER)},
        "new_chat_member": {"status": "member", "user": person(OTHER)}}}),
    "the bot kicked from a channel": (CHANNEL, lambda: {"my_chat_member": {
        "chat": chat(CHANNEL), "from": person(ADMIN), "date": int(time.time()),
        "old_chat_member": {"status": "member", "user": BOT},
        "new_chat_member": {"status": "kicked", "user": BOT, "until_date": 0}}}),
    "the bot added to a channel": (CHANNEL, lambda: {"my_chat_member": {
        "chat": chat(CHANNEL), "from": person(ADMIN), "date": int(time.time()),
        "old_chat_member": {"status": "left", "user": BOT},
        "new_chat_member": {"status": "member", "user": BOT}}}),
}


@pytest.mark.parametrize("chat_id, update", NOISE.values(), ids=list(NOISE))
async def test_noise_in_groups_and_channels_is_ignored(server, bot, chat_id, update):
    await unanswered(server, chat_id, update())


@pytest.mark.parametrize("content", [{"poll": POLL}, {"dice": {"emoji": "🎯", "value": 6}},
                                     {"contact": {"phone_number": "+6281234", "first_name": "Ani"}},
                                     {"location": LOCATION}], ids=["poll", "dice", "contact", "location"])
async def test_media_without_text_in_private_gets_the_text_only_hint(server, bot, content):
    hint = await answered(server, USER, {"message": message(USER, **content)})
    assert "text" in hint.text and not says_area(hint)


# -- buttons on messages the bot cannot reach, and double taps -------------------------------------
def press(data, **where):
    """A button press; `where`: `message` (a message dict) or `inline_message_id`."""
    query = {"id": f"cq{next(_ids)}", "from": person(), "chat_instance": "ci1", **where}
    if data is not None:
        query["data"] = data
    return query


GONE = {"message_id": 3, "date": 0}          # an InaccessibleMessage: deleted, or too old for the bot


@pytest.mark.parametrize("data", ["a:en:kitb-area", "t:en:", "t:en:kitb", "l:ko", "g:ko", "zz:forged", None],
                         ids=["answer", "topics", "topic", "user language", "group language", "forged", "game"])
@pytest.mark.parametrize("where", ["inline message", "inaccessible message"])
async def test_a_button_on_a_message_the_bot_cannot_reach_is_answered_without_error(server, bot, data, where):
    located = ({"inline_message_id": "BAAAAJ8qAAB"} if where == "inline message"
               else {"message": {**GONE, "chat": chat(GROUP if data == "g:ko" else USER)}})
    query = press(data, **located)
    if data is None:
        query["game_short_name"] = "kuis"
    server._open_queries.add(query["id"])
    mark = server.mark()
    server.push_raw({"callback_query": query})
    answered_query = await server.wait_for("answerCallbackQuery", since=mark, timeout=10)
    assert answered_query.params["callback_query_id"] == query["id"]
    await silence(server, GROUP, since=mark)


async def test_a_double_tap_on_a_language_button_is_answered_twice_without_error(server, bot):
    offered = await ask(server, "/lang", USER)
    button = next(b["callback_data"] for b in offered.buttons() if b["callback_data"].endswith("ko"))
    mark = server.mark()
    for _ in range(2):      # the second press arrives after the first edit: Telegram refuses an identical edit
        server.push_callback_query(button, user_id=USER, message_id=offered.result["message_id"], language_code="en")
        await server.wait_for("answerCallbackQuery", since=mark, timeout=10)
        await server.wait_for("editMessageText", since=mark, timeout=10)
    refused = [c for c in server.calls_to("editMessageText") if c.index >= mark and c.failed]
    assert len(refused) == 1 and "not modified" in str(refused[0].error)
    helped = await ask(server, "/help", USER, language_code="en")      # the chosen language holds
    assert any("\uac00" <= ch <= "\ud7a3" for ch in helped.text), helped.text


# -- reactions in reply to the bot -----------------------------------------------------------------
@pytest.mark.parametrize("text", ["👍", "ok", "wkwkwk", "ㅋㅋㅋ", "!!", "\u200b"])
async def test_a_reaction_in_reply_to_the_bot_in_a_group_gets_no_i_dont_know(server, bot, text):
    await unanswered(server, GROUP, {"message": message(GROUP, text, reply_to_message=bot_message(GROUP))})


@pytest.mark.parametrize("text, via", [("siapa presiden amerika?", "reply"), ("siapa presiden amerika?", "mention"),
                                       ("what is the weather", "/ask")])
async def test_an_unknown_question_or_an_explicit_ask_still_gets_the_fallback(server, bot, text, via):
    if via == "reply":
        sent = message(GROUP, text, reply_to_message=bot_message(GROUP))
    else:
        sent = message(GROUP, f"{MENTION if via == 'mention' else '/ask'} {text}")
    fallback = await answered(server, GROUP, {"message": sent})
    assert "don't know" in fallback.text or "belum tahu" in fallback.text, fallback.text


@pytest.mark.parametrize("text, via, hint", [("👍", "mention", "after my name"),
                                             ("\u200b\u200c", "mention", "after my name"),
                                             ("👍", "/ask", "after /ask"), ("?!", "/ask", "after /ask")])
async def test_an_explicit_ask_without_a_word_gets_the_hint_not_a_guess(server, bot, text, via, hint):
    sent = message(GROUP, f"{MENTION if via == 'mention' else '/ask'} {text}")
    answer = await answered(server, GROUP, {"message": sent})
    assert hint in answer.text, answer.text
