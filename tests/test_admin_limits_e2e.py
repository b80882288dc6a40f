"""Administrator replies of any size, /stats days in the bot's time zone, teaching from the
unanswered log, old or forged buttons, and the error handler: the real bot against the fake server."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import string
from zoneinfo import ZoneInfo

import pytest

from bot import MESSAGE_LIMIT
from bot.knowledge.loader import load_directory
from bot.store import DATABASE_NAME
from tests.telegram_harness import FakeClock, ask, running_bot

ADMIN = 4242
USER = 5151
GROUP = -100777
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Jakarta")).timestamp()


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path, clock):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", clock=clock,
                           knowledge_dir=kb_copy, admins=frozenset({ADMIN}), outbox_interval=0.1,
                           messages_per_second=0) as app:
        yield app


async def replies_until(server, mark, chat_id, done, timeout=10):
    """Every message to `chat_id` since `mark`, up to and including the first for which `done` holds."""
    seen = []
    while True:
        call = await server.wait_for("sendMessage", chat_id=chat_id, since=mark, timeout=timeout)
        seen.append(call)
        if done(call):
            return seen


def sent_lengths(server, chat_id):
    return [len(c.result["text"]) for c in server.sent_messages(chat_id, include_failed=True) if c.result]


async def test_announcement_preview_and_delivery_of_three_long_texts_stay_under_the_limit(server, bot):
    server.set_chat(GROUP, "supergroup", title="All languages")
    server.set_member_status(GROUP, 101, "administrator")
    server.push_my_chat_member(GROUP, user_id=101, old_status="left", new_status="member", chat_type="supergroup")
    await server.wait_for("sendMessage", chat_id=GROUP, timeout=10)
    await ask(server, "/subscribe", 101, chat_id=GROUP)
    words = (("id", "kata "), ("ko", "공지 "), ("en", "word "))
    texts = {lang: f"{lang}: " + (word * 500)[:1400] for lang, word in words}
    mark = server.mark()
    server.push_message("/announce\n" + "\n".join(texts.values()), user_id=ADMIN, chat_id=ADMIN,
                        language_code="en")
    parts = await replies_until(server, mark, ADMIN, lambda c: bool(c.buttons()))
    assert len(parts) >= 2, [len(p.result["text"]) for p in parts]
    assert all(len(p.result["text"]) <= MESSAGE_LIMIT for p in parts)
    assert not any(p.failed for p in server.calls_to("sendMessage", ADMIN))
    assert "Preview" in parts[0].text and not any("went wrong" in p.text for p in parts)
    send = next(b["callback_data"] for b in parts[-1].buttons() if b["text"] == "Send")
    mark = server.mark()
    server.push_callback_query(send, chat_id=ADMIN, user_id=ADMIN, message_id=parts[-1].result["message_id"],
                               language_code="en")
    report = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=15,
                                   predicate=lambda c: "Delivery report" in c.text)
    assert "sent to 1 group, not delivered to 0 groups." in report.text
    delivered = [c for c in server.calls_to("sendMessage", GROUP) if c.index >= mark]
    assert len(delivered) >= 2 and all(not c.failed for c in delivered)
    assert all(len(c.result["text"]) <= MESSAGE_LIMIT for c in delivered)
    joined = "".join(c.result["text"] for c in delivered)
    assert all(text.split()[1] in joined for text in texts.values())


async def test_unanswered_with_ten_long_questions_stays_under_the_limit(server, bot, tmp_path):
    db = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
    for n in range(10):
        words = random.Random(n)
        question = f"pertanyaan nomor {n} " + " ".join(
            "".join(words.choice(string.ascii_lowercase) for _ in range(6)) for _ in range(57))
        assert len(question) >= 400
        db.execute("INSERT INTO unanswered(text, lang, chat_type, best_score, created_at) VALUES (?, 'id', "
                   "'private', 0.1, ?)", (question, NOW - 60))
    db.commit()
    mark = server.mark()
    server.push_message("/unanswered", user_id=ADMIN, chat_id=ADMIN, language_code="en")
    seen = await replies_until(server, mark, ADMIN, lambda c: "<pre>" in c.params["text"], timeout=15)
    try:                        # the YAML snippet of ten long questions takes more than one message
        while True:
            seen.append(await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=1))
    except AssertionError:
        pass
    assert len(seen) >= 10
    assert all(not c.failed and len(c.result["text"]) <= MESSAGE_LIMIT for c in seen)
    listed = "".join(c.result["text"] for c in seen)
    assert all(f"pertanyaan nomor {n}" in listed for n in range(10)), [c.result["text"][:80] for c in seen]
    assert not any("went wrong" in c.text for c in seen)


async def test_stats_count_days_in_the_bots_time_zone(server, bot, tmp_path):
    wib = ZoneInfo("Asia/Jakarta")
    late = dt.datetime(2026, 11, 28, 23, 30, tzinfo=wib).timestamp()     # 16:30 UTC, the 28th both ways
    early = dt.datetime(2026, 11, 29, 0, 30, tzinfo=wib).timestamp()     # 17:30 UTC on the 28th: WIB says 29th
    db = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
    db.executemany("INSERT INTO questions(at, lang, kind, entry_id, chat_type) VALUES (?, 'id', 'answer', "
                   "'kitb-area', 'private')", [(late,), (early,), (early + 60,)])
    db.commit()
    report = await ask(server, "/stats", ADMIN)
    lines = report.text.splitlines()
    assert "  November 28, 2026: 1" in lines and "  November 29, 2026: 2" in lines, lines
    assert "Questions in the last 7 days: 3" in report.text


async def test_stats_per_day_in_the_korean_time_zone_too(server, kb_copy, catalogs, tmp_path, clock):
    kst = ZoneInfo("Asia/Seoul")
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", clock=clock,
                           knowledge_dir=kb_copy, admins=frozenset({ADMIN}), timezone="Asia/Seoul"):
        db = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
        at = dt.datetime(2026, 11, 29, 8, 0, tzinfo=kst).timestamp()        # 23:00 UTC on the 28th
        db.execute("INSERT INTO questions(at, lang, kind, entry_id, chat_type) VALUES (?, 'ko', 'fallback', NULL, "
                   "'private')", (at,))
        db.commit()
        report = await ask(server, "/stats", ADMIN, language_code="ko")
        assert "  2026년 11월 29일: 1" in report.text.splitlines(), report.text


async def test_an_administrator_teaches_an_unanswered_question_with_one_press(server, bot, kb_copy, tmp_path):
    question = "tanah kawasan batang ukurannya gimana"
    before = await ask(server, question, USER, language_code="id")
    assert "4.300" not in before.text
    mark = server.mark()
    server.push_message("/unanswered", user_id=ADMIN, chat_id=ADMIN, language_code="ko")
    seen = await replies_until(server, mark, ADMIN, lambda c: "<pre>" in c.params["text"])
    offer = next(c for c in seen if c.buttons())
    button = next(b for b in offer.buttons() if "kitb-area" in b["text"])
    original = (kb_copy / "kitb.yaml").read_text(encoding="utf-8")
    mark = server.mark()
    server.push_callback_query(button["callback_data"], chat_id=ADMIN, user_id=ADMIN,
                               message_id=offer.result["message_id"], language_code="ko")
    confirmed = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10)
    assert "추가했습니다" in confirmed.text and question in confirmed.text          # in the administrator's language
    changed = (kb_copy / "kitb.yaml").read_text(encoding="utf-8")
    assert changed.count("\n") == original.count("\n") and f'"{question}"' in changed
    assert [line for line in changed.splitlines() if "#" in line] == \
        [line for line in original.splitlines() if "#" in line]          # comments kept
    after = await ask(server, question, USER, language_code="id")
    assert "4.300" in after.text
    empty = await ask(server, "/unanswered", ADMIN)
    assert "No unanswered questions" in empty.text
    audit = sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT user_id, action, outcome FROM audit WHERE action = 'teach'").fetchall()
    assert audit == [(ADMIN, "teach", "ok")]
    rolled = await ask(server, "/rollback", ADMIN)
    assert "✅" in rolled.text and (kb_copy / "kitb.yaml").read_text(encoding="utf-8") == original


async def test_teaching_is_for_bot_administrators_only(server, bot, kb_copy):
    await ask(server, "tanah kawasan batang ukurannya gimana", USER, language_code="id")
    await ask(server, "/help", USER, language_code="id")
    original = (kb_copy / "kitb.yaml").read_bytes()
    mark = server.mark()
    server.push_callback_query("k1:1:kitb-area", chat_id=USER, user_id=USER, language_code="id")
    refused = await server.wait_for("answerCallbackQuery", since=mark, timeout=10)
    assert "administrator" in refused.params["text"]
    assert (kb_copy / "kitb.yaml").read_bytes() == original


@pytest.mark.parametrize("data", ["k1:99999:kitb-area", "k1:1:no-such-entry", "k1:x:kitb-area", "zz9:whatever",
                                  "a1:xx:kitb-area", "up1:y:not-a-token", "an:yes:12345678", "ac1:-1", ""])
async def test_old_or_forged_buttons_get_a_polite_answer(server, bot, data):
    await ask(server, "tanah kawasan batang ukurannya gimana", USER, language_code="id")
    await ask(server, "/kbversion", ADMIN, language_code="id")
    mark = server.mark()
    server.push_callback_query(data, chat_id=ADMIN, user_id=ADMIN, language_code="id")
    answered = await server.wait_for("answerCallbackQuery", since=mark, timeout=10)
    assert answered.params.get("text"), answered
    assert "Maaf, terjadi kesalahan" not in answered.params["text"]
    assert not [c for c in server.calls_to("sendMessage", ADMIN) if c.index >= mark and "kesalahan" in c.text]


async def test_the_error_handler_tells_the_administrators_with_ids_only(server, bot, caplog):
    runtime = bot.bot_data["sahabat"]

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    runtime.knowledge_admin.stats = broken
    mark = server.mark()
    server.push_message("/stats", user_id=ADMIN, chat_id=ADMIN, language_code="en")
    calls = [await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10) for _ in range(2)]
    notice = next(c for c in calls if "⚠️" in c.text)
    assert "RuntimeError: boom" in notice.text and f"user {ADMIN}" in notice.text
    assert any("went wrong" in c.text for c in calls)
    assert server.token not in notice.text and server.token not in caplog.text


async def test_an_upload_preview_too_long_for_one_message_arrives_in_parts_with_its_buttons(server, bot, kb_copy):
    entries = "".join(
        f"  - id: uploaded-entry-with-a-long-name-{n:03d}\n"
        f"    questions: {{id: [\"pertanyaan unik {n} {n * 7919}\"], ko: [\"질문 {n} {n * 7919}\"],\n"
        f"                en: [\"unique question {n} {n * 7919}\"]}}\n"
        f"    answer: {{id: \"jawaban {n}\", ko: \"답 {n}\", en: \"answer {n}\"}}\n" for n in range(150))
    mark = server.mark()
    server.push_document(("entries:\n" + entries).encode(), "many.yaml", user_id=ADMIN, chat_id=ADMIN,
                         language_code="en")
    parts = await replies_until(server, mark, ADMIN, lambda c: bool(c.buttons()), timeout=30)
    assert len(parts) >= 2 and all(not p.failed and len(p.result["text"]) <= MESSAGE_LIMIT for p in parts)
    assert "many.yaml is valid" in parts[0].text
    assert "uploaded-entry-with-a-long-name-149" in "".join(p.text for p in parts)
    install = next(b["callback_data"] for b in parts[-1].buttons() if b["text"] == "Install")
    mark = server.mark()
    server.push_callback_query(install, chat_id=ADMIN, user_id=ADMIN, message_id=parts[-1].result["message_id"],
                               language_code="en")
    reports = await replies_until(server, mark, ADMIN, lambda c: "uploaded-entry-with-a-long-name-149" in c.text,
                                  timeout=30)
    assert "✅" in reports[0].text and all(len(r.result["text"]) <= MESSAGE_LIMIT for r in reports)
    assert (kb_copy / "many.yaml").exists()
