"""Administrators keep the knowledge base alive, end to end through the fake Bot API server."""

from __future__ import annotations

import asyncio
import html as html_module
import shutil
import sqlite3
import textwrap

import pytest
import yaml

from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.knowledge.loader import load_directory
from bot.store import DATABASE_NAME
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import running_bot

ADMIN = 4242
USER = 5151

NEW_ENTRY = """
    entries:
      - id: test-added
        topic: kitb
        questions:
          id: ["Apakah ada kantin di kawasan uji coba?", "kantin uji coba ada?", "info kantin uji coba", "kantin"]
          ko: ["시험 구역에 구내식당이 있나요?", "구내식당 있어요?", "시험구역 구내식당", "구내식당"]
          en: ["Is there a canteen in the trial zone?", "trial zone canteen", "canteen in trial zone", "canteen"]
        answer:
          id: "Jawaban uji coba tentang kantin."
          ko: "구내식당에 관한 시험 답변입니다."
          en: "A test answer about the canteen."
"""


@pytest.fixture
def kb_dir(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture
async def server():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def admin_bot(server, kb_dir, catalogs, tmp_path):
    kb = load_directory(kb_dir).kb
    async with running_bot(server, kb, catalogs, tmp_path / "data", knowledge_dir=kb_dir,
                           admins=frozenset({ADMIN})) as app:
        yield app


async def say(server, text, user_id, **kwargs):
    mark = server.mark()
    server.push_message(text, user_id=user_id, chat_id=user_id, language_code=kwargs.pop("language_code", "en"),
                        **kwargs)
    return await server.wait_for("sendMessage", chat_id=user_id, since=mark, timeout=10)


def audit_rows(tmp_path):
    return sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT user_id, action, outcome FROM audit ORDER BY id").fetchall()


async def test_edit_a_file_then_reload_and_the_new_question_is_answered(server, admin_bot, kb_dir, tmp_path):
    before = await say(server, "Is there a canteen in the trial zone?", USER)
    assert "canteen" not in before.text.lower() or "Sorry" in before.text
    (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
    report = await say(server, "/reload", ADMIN)
    assert "✅" in report.text and "Added: test-added" in report.text and "44 entries" in report.text
    after = await say(server, "Is there a canteen in the trial zone?", USER)
    assert after.text == "A test answer about the canteen."
    assert (ADMIN, "reload", "ok") in audit_rows(tmp_path)


async def test_a_broken_file_is_refused_with_its_position_and_old_answers_keep_working(
        server, admin_bot, kb_dir, tmp_path):
    (kb_dir / "broken.yaml").write_text("entries:\n  - id: broken\n    questions: {id: [a]}\n", encoding="utf-8")
    report = await say(server, "/reload", ADMIN)
    assert "❌" in report.text
    assert "broken.yaml:2:5:" in report.text and "broken.yaml:3:16:" in report.text
    still = await say(server, "How big is KITB?", USER)
    assert "4,300" in still.text
    assert (ADMIN, "reload", "failed") in audit_rows(tmp_path)


async def test_errors_are_reported_a_screenful_at_a_time_in_the_admins_language(server, admin_bot, kb_dir):
    entries = "".join(f"  - id: broken-{n}\n    questions: {{id: [a]}}\n" for n in range(30))
    (kb_dir / "many.yaml").write_text("entries:\n" + entries, encoding="utf-8")
    report = await say(server, "/reload", ADMIN, language_code="id")
    lines = report.text.splitlines()
    assert sum(":" in line and "many.yaml" in line for line in lines) == 15
    assert "45" in lines[-1] and "lainnya" in lines[-1]     # 60 problems: 15 shown, "…dan 45 lainnya"


@pytest.mark.parametrize("command", ["/reload", "/kbversion", "/rollback", "/export", "/unanswered", "/stats"])
async def test_non_administrators_are_refused_and_nothing_changes(server, admin_bot, kb_dir, tmp_path, command):
    (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
    refusal = await say(server, command, USER, language_code="ko")
    assert "관리자" in refusal.text
    answer = await say(server, "Is there a canteen in the trial zone?", USER)
    assert answer.text != "A test answer about the canteen."
    assert (USER, command.lstrip("/"), "refused") in audit_rows(tmp_path)


async def test_kbversion_and_rollback_after_a_reload(server, admin_bot, kb_dir):
    original = load_directory(kb_dir).kb.version
    (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
    await say(server, "/reload", ADMIN)
    version = await say(server, "/kbversion", ADMIN)
    new_version = load_directory(kb_dir).kb.version
    assert new_version in version.text and "44 entries" in version.text and str(ADMIN) in version.text
    rolled = await say(server, "/rollback", ADMIN)
    assert "✅" in rolled.text and "Removed: test-added" in rolled.text
    assert not (kb_dir / "added.yaml").exists()
    assert load_directory(kb_dir).kb.version == original
    nothing = await say(server, "/rollback", ADMIN)
    assert "no earlier version" in nothing.text


async def test_unanswered_groups_near_duplicates_and_offers_yaml(server, admin_bot):
    for text in ("berapa harga tanah di kitb", "harga tanah kitb berapa?", "berapa harga tanah di kitb",
                 "Berapa harga tanah di KITB", "KITB 주차장 어디예요?", "what is the weather in batang"):
        await say(server, text, USER)
    report = await say(server, "/unanswered", ADMIN)
    lines = report.text.splitlines()
    assert lines[1] == "4× [id] berapa harga tanah di kitb"         # the most frequent wording, most frequent first
    assert "1× [ko] KITB 주차장 어디예요?" in lines and "1× [en] what is the weather in batang" in lines
    assert "<pre>questions:" in report.params["text"]
    html = report.params["text"]
    snippet = html_module.unescape(html[html.index("<pre>") + 5:html.index("</pre>")])
    parsed = yaml.safe_load(snippet)["questions"]
    assert set(parsed["id"]) == {"berapa harga tanah di kitb", "harga tanah kitb berapa?", "Berapa harga tanah di KITB"}
    assert parsed["ko"] == ["KITB 주차장 어디예요?"]


async def test_stats_match_known_traffic(server, admin_bot):
    for text in ("Berapa luas KITB?", "kapan mou ditandatangani", "How big is KITB?", "investasi",
                 "Siapa presiden Amerika?", "비트코인 가격 알려줘"):
        await say(server, text, USER)
    report = await say(server, "/stats", ADMIN)
    text = report.text
    assert "Questions in the last 7 days: 6" in text
    assert "Per language: id 4, en 1, ko 1" in text or "Per language: id 4, ko 1, en 1" in text
    assert "Answered 50%" in text and "\"did you mean\" 17%" in text and "not known 33%" in text
    assert "kitb-area (2)" in text


async def test_admin_menu_only_in_the_admins_chat(server, admin_bot):
    admin_menu = [c["command"] for c in server.commands({"type": "chat", "chat_id": ADMIN}, "")]
    assert {"reload", "rollback", "stats"} <= set(admin_menu)
    everyone = [c["command"] for c in server.commands({"type": "all_private_chats"}, "")]
    assert "reload" not in everyone


async def test_reload_under_load_never_fails_or_mixes_versions(server, kb_dir, catalogs, tmp_path):
    def write_version(n: int) -> None:
        (kb_dir / "probe.yaml").write_text(textwrap.dedent(f"""
            entries:
              - id: probe
                questions:
                  id: ["probe versi", "cek probe", "probe dong", "probe"]
                  ko: ["프로브 버전", "프로브 확인", "프로브", "프로브요"]
                  en: ["probe version", "check probe", "probe please", "probe"]
                answer: {{id: "marker-{n}", ko: "marker-{n}", en: "marker-{n}"}}
                related: [probe-twin]
              - id: probe-twin
                questions:
                  id: ["kembaran marker-{n}", "twin a", "twin b", "twin c"]
                  ko: ["쌍둥이 marker-{n}", "쌍둥이 가", "쌍둥이 나", "쌍둥이 다"]
                  en: ["twin marker-{n}", "twin one", "twin two", "twin three"]
                answer: {{id: "twin", ko: "twin", en: "twin"}}
        """), encoding="utf-8")
    write_version(0)
    kb = load_directory(kb_dir).kb
    async with running_bot(server, kb, catalogs, tmp_path / "data", knowledge_dir=kb_dir,
                           admins=frozenset({ADMIN}), messages_per_second=0) as app:
        mark = server.mark()
        for n in range(1000):
            server.push_message("probe version", user_id=10_000 + n % 100, chat_id=10_000 + n % 100,
                                language_code="en")
            if n % 100 == 50:
                write_version(n // 100 + 1)
                server.push_message("/reload", user_id=ADMIN, chat_id=ADMIN, language_code="en")
        replies = [await server.wait_for("sendMessage", since=mark, timeout=60,
                                         predicate=lambda c: c.params["chat_id"] != ADMIN) for _ in range(1000)]
        reports = [await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=30) for _ in range(10)]
    assert all("✅" in r.text for r in reports)
    versions = set()
    for reply in replies:
        marker = reply.text
        assert marker.startswith("marker-")
        (button,) = reply.buttons()
        assert button["text"].endswith(marker), (marker, button["text"])    # the follow-up is from the same version
        versions.add(marker)
    assert len(versions) > 1          # the reloads really happened while questions were answered
