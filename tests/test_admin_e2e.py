"""Administrators keep the knowledge base alive, end to end through the fake Bot API server."""

from __future__ import annotations

import asyncio
import html as html_module
import sqlite3
import textwrap

import pytest
import yaml

from bot.knowledge.loader import knowledge_files, load_directory
from bot.store import DATABASE_NAME
from tests.telegram_harness import ask, running_bot

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
def kb_dir(kb_copy):
    return kb_copy


@pytest.fixture
async def admin_bot(server, kb_dir, catalogs, tmp_path):
    kb = load_directory(kb_dir).kb
    async with running_bot(server, kb, catalogs, tmp_path / "data", knowledge_dir=kb_dir,
                           admins=frozenset({ADMIN})) as app:
        yield app


def audit_rows(tmp_path):
    return sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT user_id, action, outcome FROM audit ORDER BY id").fetchall()


async def test_edit_a_file_then_reload_and_the_new_question_is_answered(server, admin_bot, kb_dir, tmp_path):
    before = await ask(server, "Is there a canteen in the trial zone?", USER)
    assert "canteen" not in before.text.lower() or "Sorry" in before.text
    (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
    report = await ask(server, "/reload", ADMIN)
    entries = len(load_directory(kb_dir).kb.entries)
    assert "✅" in report.text and "Added: test-added" in report.text and f"{entries} entries" in report.text
    after = await ask(server, "Is there a canteen in the trial zone?", USER)
    assert after.text == "A test answer about the canteen."
    assert (ADMIN, "reload", "ok") in audit_rows(tmp_path)


async def test_a_broken_file_is_refused_with_its_position_and_old_answers_keep_working(
        server, admin_bot, kb_dir, tmp_path):
    (kb_dir / "broken.yaml").write_text("entries:\n  - id: broken\n    questions: {id: [a], xx: [b]}\n",
                                        encoding="utf-8")
    report = await ask(server, "/reload", ADMIN)
    assert "❌" in report.text
    assert "broken.yaml:2:5:" in report.text and "broken.yaml:3:26:" in report.text
    still = await ask(server, "How big is KITB?", USER)
    assert "4,300" in still.text
    assert (ADMIN, "reload", "failed") in audit_rows(tmp_path)


async def test_errors_are_reported_a_screenful_at_a_time_in_the_admins_language(server, admin_bot, kb_dir):
    entries = "".join(f"  - id: broken-{n}\n    questions: {{id: [a], xx: [b]}}\n" for n in range(30))
    (kb_dir / "many.yaml").write_text("entries:\n" + entries, encoding="utf-8")
    report = await ask(server, "/reload", ADMIN, language_code="id")
    lines = report.text.splitlines()
    assert sum(":" in line and "many.yaml" in line for line in lines) == 15
    assert "45" in lines[-1] and "lainnya" in lines[-1]     # 60 problems: 15 shown, "…dan 45 lainnya"


@pytest.mark.parametrize("command", ["/reload", "/kbversion", "/rollback", "/export", "/unanswered", "/stats"])
async def test_non_administrators_are_refused_and_nothing_changes(server, admin_bot, kb_dir, tmp_path, command):
    (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
    refusal = await ask(server, command, USER, language_code="ko")
    assert "관리자" in refusal.text
    answer = await ask(server, "Is there a canteen in the trial zone?", USER)
    assert answer.text != "A test answer about the canteen."
    assert (USER, command.lstrip("/"), "refused") in audit_rows(tmp_path)


async def test_kbversion_and_rollback_after_a_reload(server, admin_bot, kb_dir):
    original = load_directory(kb_dir).kb.version
    (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
    await ask(server, "/reload", ADMIN)
    version = await ask(server, "/kbversion", ADMIN)
    new_version = load_directory(kb_dir).kb.version
    entries = len(load_directory(kb_dir).kb.entries)
    assert new_version in version.text and f"{entries} entries" in version.text and str(ADMIN) in version.text
    rolled = await ask(server, "/rollback", ADMIN)
    assert "✅" in rolled.text and "Removed: test-added" in rolled.text
    assert not (kb_dir / "added.yaml").exists()
    assert load_directory(kb_dir).kb.version == original
    nothing = await ask(server, "/rollback", ADMIN)
    assert "no earlier version" in nothing.text


async def test_unanswered_groups_near_duplicates_and_offers_yaml(server, admin_bot):
    for text in ("berapa harga tanah di kitb", "harga tanah kitb berapa?", "berapa harga tanah di kitb",
                 "Berapa harga tanah di KITB", "KITB 주차장 어디예요?", "what is the weather in batang"):
        await ask(server, text, USER)
    mark = server.mark()
    report = await ask(server, "/unanswered", ADMIN)
    lines = report.text.splitlines()
    assert lines[1] == "4× [id] berapa harga tanah di kitb"         # the most frequent wording, most frequent first
    assert "1× [ko] KITB 주차장 어디예요?" in lines and "1× [en] what is the weather in batang" in lines
    snippet_call = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10,
                                         predicate=lambda c: "<pre>questions:" in c.params["text"])
    html = snippet_call.params["text"]
    snippet = html_module.unescape(html[html.index("<pre>") + 5:html.index("</pre>")])
    parsed = yaml.safe_load(snippet)["questions"]
    assert set(parsed["id"]) == {"berapa harga tanah di kitb", "harga tanah kitb berapa?", "Berapa harga tanah di KITB"}
    assert parsed["ko"] == ["KITB 주차장 어디예요?"]


async def test_stats_match_known_traffic(server, admin_bot):
    for text in ("Berapa luas KITB?", "kapan mou ditandatangani", "How big is KITB?", "investasi",
                 "Siapa presiden Amerika?", "비트코인 가격 알려줘"):
        await ask(server, text, USER)
    report = await ask(server, "/stats", ADMIN)
    text = report.text
    assert "Questions in the last 7 days: 6" in text
    assert ("Per language: Indonesian 4, English 1, Korean 1" in text
            or "Per language: Indonesian 4, Korean 1, English 1" in text)
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
                           admins=frozenset({ADMIN}), messages_per_second=0):
        mark = server.mark()
        reports = []
        for round_ in range(10):
            # A reload starts, and 100 questions arrive while it validates and builds the new engine;
            # the next round begins once it has been reported, so every round sees a newer version.
            report_mark = server.mark()
            write_version(round_ + 1)
            server.push_message("/reload", user_id=ADMIN, chat_id=ADMIN, language_code="en")
            for n in range(100):
                server.push_message("probe version", user_id=10_000 + n, chat_id=10_000 + n, language_code="en")
            reports.append(await server.wait_for("sendMessage", chat_id=ADMIN, since=report_mark, timeout=60))
        replies = [await server.wait_for("sendMessage", since=mark, timeout=60,
                                         predicate=lambda c: c.params["chat_id"] != ADMIN) for _ in range(1000)]
    assert all("✅" in r.text for r in reports)
    versions = set()
    for reply in replies:
        marker = reply.text
        assert marker.startswith("marker-")
        (button,) = reply.buttons()
        assert button["text"].endswith(marker), (marker, button["text"])    # the follow-up is from the same version
        versions.add(marker)
    assert len(versions) > 1          # the reloads really happened while questions were answered


async def upload(server, data: bytes, name: str, user_id=ADMIN, language_code="en"):
    mark = server.mark()
    server.push_document(data, name, user_id=user_id, chat_id=user_id, language_code=language_code)
    return await server.wait_for("sendMessage", chat_id=user_id, since=mark, timeout=10)


async def press_install(server, preview):
    """Press the upload preview's Install button as the administrator; returns the report."""
    buttons = {b["text"]: b["callback_data"] for b in preview.buttons()}
    mark = server.mark()
    server.push_callback_query(buttons["Install"], chat_id=ADMIN, user_id=ADMIN,
                               message_id=preview.result["message_id"], language_code="en")
    return await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10)


async def test_upload_preview_confirm_and_rollback(server, admin_bot, kb_dir, tmp_path):
    data = textwrap.dedent(NEW_ENTRY).encode()
    preview = await upload(server, data, "canteen.yaml")
    assert "canteen.yaml is valid" in preview.text and "Added: test-added" in preview.text
    assert not (kb_dir / "canteen.yaml").exists()          # nothing installed before confirmation
    report = await press_install(server, preview)
    assert "✅" in report.text and "Added: test-added" in report.text
    assert (kb_dir / "canteen.yaml").read_bytes() == data
    answered = await ask(server, "Is there a canteen in the trial zone?", USER)
    assert answered.text == "A test answer about the canteen."
    version = await ask(server, "/kbversion", ADMIN)
    assert f"by administrator {ADMIN} (upload of canteen.yaml)" in version.text
    rolled = await ask(server, "/rollback", ADMIN)
    assert "Removed: test-added" in rolled.text and not (kb_dir / "canteen.yaml").exists()
    assert len(list((tmp_path / "data" / "history").iterdir())) == 1     # only the original version is left
    gone = await ask(server, "Is there a canteen in the trial zone?", USER)
    assert gone.text != "A test answer about the canteen."


async def test_cancelled_upload_changes_nothing(server, admin_bot, kb_dir):
    preview = await upload(server, textwrap.dedent(NEW_ENTRY).encode(), "canteen.yaml")
    buttons = {b["text"]: b["callback_data"] for b in preview.buttons()}
    mark = server.mark()
    server.push_callback_query(buttons["Cancel"], chat_id=ADMIN, user_id=ADMIN, message_id=preview.result["message_id"],
                               language_code="en")
    edited = await server.wait_for("editMessageText", since=mark, timeout=10)
    assert "nothing changed" in edited.text and not (kb_dir / "canteen.yaml").exists()


async def test_upload_by_a_non_administrator_is_refused(server, admin_bot, kb_dir, tmp_path):
    refusal = await upload(server, textwrap.dedent(NEW_ENTRY).encode(), "canteen.yaml", user_id=USER)
    assert "only the bot's administrators" in refusal.text
    assert not (kb_dir / "canteen.yaml").exists()
    assert (USER, "upload", "refused") in audit_rows(tmp_path)
    assert server.file_downloads == []          # not even downloaded


async def test_an_invalid_upload_is_refused_with_file_line_and_changes_nothing(server, admin_bot, kb_dir):
    before = sorted(p.name for p in kb_dir.iterdir())
    refused = await upload(server, b"entries:\n  - id: x\n    questions: {id: [a], ko: [b], en: [c]}\n", "bad.yaml")
    assert "❌" in refused.text and "bad.yaml:2:5: error: the entry 'x' has no 'answer'" in refused.text
    assert sorted(p.name for p in kb_dir.iterdir()) == before
    assert not refused.buttons()


@pytest.mark.parametrize("name, data, message", [
    ("bomb.yaml", b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((98 + i,) * 2 + (97 + i,) * 10)
        for i in range(8)), "expands to more than 200000 values"),
    ("deep.yaml", b"entries: " + b"[" * 3000 + b"]" * 3000, "nests deeper than 24 levels"),
    ("huge.yaml", b"entries: []\n# " + b"x" * (1024 * 1024 + 10), "too large"),
    ("latin1.yaml", "entries:\n  - id: caf\xe9\n".encode("latin-1"), "bad\u200b" if False else "not UTF-8"),
    ("python.yaml", b"entries: !!python/object/apply:os.system ['echo pwned']\n", "is not allowed"),
    ("long.yaml", b"entries:\n  - id: x\n    questions: {id: [\"" + b"a" * 900_000 + b"\"]}\n", "has no 'answer'"),
    ("../escape.yaml", b"entries: []\n", "plain name"),
    ("notes.txt", b"entries: []\n", "plain name"),
])
async def test_hostile_uploads_are_refused_quickly_and_the_bot_keeps_serving(
        server, admin_bot, kb_dir, name, data, message):
    before = {p.name: p.read_bytes() for p in kb_dir.iterdir()}
    loop = asyncio.get_running_loop()
    started = loop.time()
    refused = await upload(server, data, name)
    assert loop.time() - started < 1.5        # including the download through the fake server
    assert message in refused.text
    assert {p.name: p.read_bytes() for p in kb_dir.iterdir()} == before
    still = await ask(server, "How big is KITB?", USER)
    assert "4,300" in still.text


async def test_watch_mode_reloads_after_files_stop_changing_and_tells_the_admins(server, kb_dir, catalogs, tmp_path):
    kb = load_directory(kb_dir).kb
    async with running_bot(server, kb, catalogs, tmp_path / "data", knowledge_dir=kb_dir,
                           admins=frozenset({ADMIN}), watch_knowledge=True):
        mark = server.mark()
        (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
        told = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10)
        assert "✅" in told.text and "Added: test-added" in told.text
        answered = await ask(server, "Is there a canteen in the trial zone?", USER)
        assert answered.text == "A test answer about the canteen."
        mark = server.mark()
        (kb_dir / "broken.yaml").write_text("entries: [\n", encoding="utf-8")
        told = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10)
        assert "❌" in told.text and "broken.yaml" in told.text
        still = await ask(server, "Is there a canteen in the trial zone?", USER)
        assert still.text == "A test answer about the canteen."


async def test_export_sends_the_current_knowledge_files(server, admin_bot, kb_dir, tmp_path):
    mark = server.mark()
    server.push_message("/export", user_id=ADMIN, chat_id=ADMIN, language_code="en")
    expected = sorted(p.name for p in knowledge_files(kb_dir))      # what is loaded, not the _examples
    sent = [await server.wait_for("sendDocument", chat_id=ADMIN, since=mark, timeout=10) for _ in expected]
    assert sorted(call.files["document"].filename for call in sent) == expected
    for call in sent:
        assert call.files["document"].data == (kb_dir / call.files["document"].filename).read_bytes()
    for _ in range(100):     # the audit row is written once the last document has gone out
        if (ADMIN, "export", "ok") in audit_rows(tmp_path):
            break
        await asyncio.sleep(0.02)
    assert (ADMIN, "export", "ok") in audit_rows(tmp_path)
