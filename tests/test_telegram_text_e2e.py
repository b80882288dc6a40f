"""What the bot reads and where it answers (issue 9, failures 2, 5, 7, 8, 9): captions are text,
other media get a hint in private, hints instead of silence, replies to deleted questions, inline
results per reader, language codes in any case. The real bot over real HTTP."""

from __future__ import annotations

import pytest

from tests.fake_telegram import BOT_USERNAME
from tests.telegram_harness import ask, running_bot, silence

GROUP = -100710


@pytest.fixture
async def bot(server, bundled_kb, catalogs, tmp_path):
    server.set_chat(GROUP, "supergroup", title="Jateng–Chungbuk")
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data") as app:
        yield app


async def send_media(server, kind, caption=None, user_id=521, chat_id=None, **options):
    chat_id = user_id if chat_id is None else chat_id
    mark = server.mark()
    server.push_media(kind, caption=caption, user_id=user_id, chat_id=chat_id, **options)
    return await server.wait_for("sendMessage", chat_id=chat_id, since=mark, timeout=10)


# -- failure 2: a caption is text ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["photo", "video", "animation", "audio", "voice"])
async def test_a_question_in_a_caption_is_answered_in_private(server, bot, kind):
    reply = await send_media(server, kind, caption="berapa luas kitb?", language_code="en")
    assert "4.300 hektare" in reply.text


async def test_a_document_with_a_caption_is_a_question_from_anyone_but_an_administrator(server, bot):
    mark = server.mark()
    server.push_document(b"%PDF-1.4", "brosur.pdf", user_id=522, chat_id=522, mime_type="application/pdf",
                         caption="KITB 면적은 얼마인가요?")
    reply = await server.wait_for("sendMessage", chat_id=522, since=mark, timeout=10)
    assert "4,300헥타르" in reply.text


@pytest.mark.parametrize("caption, options", [
    ("/ask how big is kitb", {}),
    (f"/ask@{BOT_USERNAME} how big is kitb", {}),
    (f"@{BOT_USERNAME} how big is kitb", {}),
    ("how big is kitb", {"reply_to_bot": True}),
])
async def test_a_question_in_a_caption_is_answered_in_a_group_where_a_text_would_be(server, bot, caption, options):
    await ask(server, "/ask kapan mou ditandatangani", 523, chat_id=GROUP)      # something to reply to
    mark = server.mark()
    photo = server.push_media("photo", caption=caption, user_id=524, chat_id=GROUP, **options)["message"]
    reply = await server.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=10)
    assert "4,300 hectares" in reply.text
    assert reply.params["reply_parameters"]["message_id"] == photo["message_id"]


async def test_captions_not_addressed_to_the_bot_are_chatter_in_a_group(server, bot):
    mark = server.mark()
    server.push_media("photo", caption="berapa luas kitb?", user_id=525, chat_id=GROUP)
    server.push_media("photo", caption="/ask@OtherBot berapa luas kitb?", user_id=525, chat_id=GROUP)
    server.push_media("photo", caption="/help berapa luas kitb?", user_id=525, chat_id=GROUP)
    await ask(server, "/ask kapan mou", 526, chat_id=GROUP)
    server.push_media("sticker", user_id=525, chat_id=GROUP, reply_to_bot=True)     # media alone: silence
    server.push_media("voice", user_id=525, chat_id=GROUP, reply_to_bot=True)
    await silence(server, GROUP, since=server.mark())
    assert len([c for c in server.sent_messages(GROUP) if c.index >= mark]) == 1


@pytest.mark.parametrize("kind, language_code, needle", [
    ("sticker", "id", "Saya hanya bisa membaca teks"), ("voice", "ko", "글만 읽을 수 있습니다"),
    ("video_note", "en", "I can only read text"), ("photo", "en", "I can only read text"),
])
async def test_media_without_text_gets_a_one_line_hint_in_private(server, bot, kind, language_code, needle):
    reply = await send_media(server, kind, user_id=530, language_code=language_code)
    assert needle in reply.text and "\n" not in reply.text


# -- failure 5: the question was deleted before the answer ---------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("/ask berapa luas kitb", "4.300"),                        # an answer
    (f"@{BOT_USERNAME} berapa luas kitb", "4.300"),           # an answer to a mention
    ("/ask", "/ask"),                                          # the hint for an empty /ask
    ("/subscribe", "administrators"),                          # a refusal
])
async def test_a_reply_goes_out_even_when_the_question_was_deleted(server, bot, text, expected):
    mark = server.mark()
    question = server.push_message(text, user_id=531, chat_id=GROUP, language_code="en")["message"]
    server.delete_message(GROUP, question["message_id"])        # gone before the bot even sees it
    reply = await server.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=10)
    assert expected in reply.text and not reply.failed
    assert reply.params["reply_parameters"] == {"message_id": question["message_id"],
                                                "allow_sending_without_reply": True}


# -- failure 7: inline results depend on the reader ----------------------------------------------------------
async def test_inline_results_are_personal_to_the_reader(server, bot):
    texts = {}
    for user_id, language_code in ((541, "ko"), (542, "id")):
        mark = server.mark()
        server.push_inline_query("KITB", user_id=user_id, language_code=language_code)
        call = await server.wait_for("answerInlineQuery", since=mark, timeout=10)
        assert call.params["is_personal"] is True
        texts[language_code] = [r["input_message_content"]["message_text"] for r in call.params["results"]]
    assert texts["ko"] != texts["id"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in texts["ko"][0])


# -- failure 8: a hint where silence would puzzle ------------------------------------------------------------
async def test_ask_in_a_private_chat_answers_the_question(server, bot):
    answered = await ask(server, "/ask berapa luas kitb?", 551)
    assert "4.300 hektare" in answered.text
    named = await ask(server, f"/ask@{BOT_USERNAME} KITB 면적은?", 551)
    assert "4,300헥타르" in named.text
    empty = await ask(server, "/ask", 551, language_code="id")
    assert empty.text.startswith("Tulis pertanyaan Anda setelah /ask")


@pytest.mark.parametrize("text", ["/start", f"/start@{BOT_USERNAME}"])
async def test_start_in_a_group_says_how_to_ask_here(server, bot, text):
    reply = await ask(server, text, 552, chat_id=GROUP, language_code="ko")
    assert "/ask" in reply.text and "안녕하십니까" in reply.text


@pytest.mark.parametrize("chat_id", [GROUP, None])
async def test_a_bare_mention_gets_a_short_hint(server, bot, chat_id, tmp_path):
    reply = await ask(server, f"@{BOT_USERNAME}", 553, chat_id=chat_id, language_code="id")
    assert reply.text == f"Tulis pertanyaan Anda setelah nama saya, misalnya: @{BOT_USERNAME} Berapa luas KITB?"


async def test_an_unknown_command_in_private_gets_a_hint_and_in_a_group_silence(server, bot):
    hint = await ask(server, "/weather", 554, language_code="ko")
    assert "/help" in hint.text and "명령어" in hint.text
    mark = server.mark()
    server.push_message("/weather", user_id=554, chat_id=GROUP)
    await silence(server, GROUP, since=mark)


# -- failure 9: language codes in any case -------------------------------------------------------------------
@pytest.mark.parametrize("language_code, needle", [
    ("ID", "Halo"), ("KO", "안녕하십니까"), ("EN", "Hello"), ("ko-KR", "안녕하십니까"), ("KO-kr", "안녕하십니까"),
    ("id_ID", "Halo"), ("IN", "Halo"), ("pt-br", "Hello"), ("PT-BR", "Hello"),
])
async def test_language_codes_negotiate_whatever_their_case(server, bot, language_code, needle):
    greeting = await ask(server, "/start", 560 + len(language_code), language_code=language_code)
    assert needle in greeting.text
    hint = await send_media(server, "sticker", user_id=570 + len(language_code), language_code=language_code)
    assert hint.text == {"Halo": "Saya hanya bisa membaca teks: silakan ketik pertanyaan Anda.",
                         "안녕하십니까": "저는 글만 읽을 수 있습니다. 질문을 글로 써 주십시오.",
                         "Hello": "I can only read text: please type your question."}[needle]


async def test_an_upper_case_language_code_picks_the_inline_and_introduction_language(server, bot):
    mark = server.mark()
    server.push_inline_query("KITB", user_id=581, language_code="KO")
    call = await server.wait_for("answerInlineQuery", since=mark, timeout=10)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in call.params["results"][0]["input_message_content"]["message_text"])
    server.set_chat(-100711, "supergroup", title="Baru")
    mark = server.mark()
    server.push_my_chat_member(-100711, user_id=582, old_status="left", new_status="member", language_code="ID")
    intro = await server.wait_for("sendMessage", chat_id=-100711, since=mark, timeout=10)
    assert intro.text.startswith("Halo")
