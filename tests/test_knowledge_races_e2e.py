"""Every Telegram path that changes the knowledge directory, racing an upload's Install, through
the fake Bot API server: whatever the order, one change at a time, a preview made on an older base
is refused and asks to start again, and what answers is what is on disk."""

from __future__ import annotations

import asyncio
import textwrap

import pytest

from bot.knowledge.builder import content_version
from bot.knowledge.loader import load_directory, read_sources
from bot.telegram.runner import reload_on_hangup
from bot.telegram.runtime import RUNTIME_KEY
from tests.telegram_harness import ask, running_bot
from tests.test_cli import run_cli

ADMIN_A, ADMIN_B, USER = 4242, 4343, 5151
STALE = {"en": "after your preview", "id": "setelah pratinjau Anda", "ko": "미리 보기 이후"}


def entry(entry_id: str, marker: str) -> bytes:
    return textwrap.dedent(f"""
        entries:
          - id: {entry_id}
            questions:
              id: ["Apakah ada kantin di kawasan uji {marker}?", "kantin uji {marker}"]
              ko: ["시험 구역 {marker}에 구내식당이 있나요?", "구내식당 {marker}"]
              en: ["Is there a canteen in trial zone {marker}?", "canteen {marker}"]
            answer: {{id: "Kantin {marker}.", ko: "구내식당 {marker}입니다.", en: "Canteen {marker}."}}
    """).encode()


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           admins=frozenset({ADMIN_A, ADMIN_B}), messages_per_second=0) as app:
        yield app


async def preview(server, admin, name, data, lang="en"):
    mark = server.mark()
    server.push_document(data, name, user_id=admin, chat_id=admin, language_code=lang)
    shown = await server.wait_for("sendMessage", chat_id=admin, since=mark, timeout=20,
                                  predicate=lambda c: bool(c.buttons()))
    install = next(b["callback_data"] for b in shown.buttons() if b["callback_data"].startswith("up1:y:"))
    return shown, install


def press(server, admin, data, message, lang="en"):
    server.push_callback_query(data, chat_id=admin, user_id=admin, message_id=message.result["message_id"],
                               language_code=lang)


def install_result(text: str, lang: str) -> str:
    if "✅" in text:
        return "installed"
    assert STALE[lang] in text, text
    return "stale"


def assert_consistent(app) -> None:
    service = app.bot_data[RUNTIME_KEY].knowledge
    sources, problems = read_sources(service.knowledge_dir)
    assert not problems and service.engine.kb.version == content_version(sources)
    assert service.installer.folder_of(service.engine.kb.version) is not None


@pytest.mark.parametrize("first", [ADMIN_A, ADMIN_B])
async def test_two_administrators_press_install_together_and_lose_nothing(server, bot, kb_copy, first):
    langs = {ADMIN_A: "id", ADMIN_B: "ko"}
    shown_a, install_a = await preview(server, ADMIN_A, "a.yaml", entry("canteen", "a"), "id")
    shown_b, install_b = await preview(server, ADMIN_B, "b.yaml", entry("canteen", "b"), "ko")
    mark = server.mark()
    order = [(ADMIN_A, install_a, shown_a), (ADMIN_B, install_b, shown_b)]
    for admin, data, shown in order if first == ADMIN_A else reversed(order):
        press(server, admin, data, shown, langs[admin])
    results = {}
    for admin in (ADMIN_A, ADMIN_B):
        report = await server.wait_for("sendMessage", chat_id=admin, since=mark, timeout=30)
        results[admin] = install_result(report.text, langs[admin])
    assert sorted(results.values()) == ["installed", "stale"]
    winner = "a" if results[ADMIN_A] == "installed" else "b"
    assert (kb_copy / f"{winner}.yaml").exists() and not (kb_copy / f"{'b' if winner == 'a' else 'a'}.yaml").exists()
    answered = await ask(server, f"Is there a canteen in trial zone {winner}?", USER)
    assert answered.text == f"Canteen {winner}."
    again = await ask(server, "/reload", ADMIN_A)
    assert "Added: none" in again.text and "Removed: none" in again.text
    assert_consistent(bot)


async def unanswered_teach_button(server, question):
    await ask(server, question, USER, language_code="id")
    mark = server.mark()
    server.push_message("/unanswered", user_id=ADMIN_B, chat_id=ADMIN_B, language_code="en")
    while True:
        offer = await server.wait_for("sendMessage", chat_id=ADMIN_B, since=mark, timeout=20)
        for button in offer.buttons():
            if button["callback_data"].startswith("k1:") and "kitb-area" in button["callback_data"]:
                return offer, button["callback_data"]


@pytest.mark.parametrize("install_pushed_first", [True, False])
async def test_teaching_racing_an_install(server, bot, kb_copy, install_pushed_first):
    question = "tanah kawasan batang ukurannya gimana"
    offer, teach = await unanswered_teach_button(server, question)
    shown, install = await preview(server, ADMIN_A, "a.yaml", entry("canteen", "a"))
    mark = server.mark()
    pushes = [lambda: press(server, ADMIN_A, install, shown), lambda: press(server, ADMIN_B, teach, offer)]
    for push in pushes if install_pushed_first else reversed(pushes):
        push()
    installed = install_result((await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30)).text,
                               "en")
    taught = await server.wait_for("sendMessage", chat_id=ADMIN_B, since=mark, timeout=30)
    assert "✅" in taught.text and question in (kb_copy / "kitb.yaml").read_text(encoding="utf-8")
    assert (kb_copy / "a.yaml").exists() == (installed == "installed")
    assert "4.300" in (await ask(server, question, USER, language_code="id")).text
    assert_consistent(bot)


@pytest.mark.parametrize("install_pushed_first", [True, False])
async def test_rollback_racing_an_install(server, bot, kb_copy, install_pushed_first):
    first_shown, first_install = await preview(server, ADMIN_A, "first.yaml", entry("first", "x"))
    press(server, ADMIN_A, first_install, first_shown)
    await server.wait_for("sendMessage", chat_id=ADMIN_A, predicate=lambda c: "✅" in c.text, timeout=30)
    shown, install = await preview(server, ADMIN_A, "a.yaml", entry("canteen", "a"))
    mark = server.mark()
    pushes = [lambda: press(server, ADMIN_A, install, shown),
              lambda: server.push_message("/rollback", user_id=ADMIN_B, chat_id=ADMIN_B, language_code="en")]
    for push in pushes if install_pushed_first else reversed(pushes):
        push()
    installed = install_result((await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30)).text,
                               "en")
    rolled = await server.wait_for("sendMessage", chat_id=ADMIN_B, since=mark, timeout=30)
    assert "✅" in rolled.text
    assert not (kb_copy / "a.yaml").exists()            # installed then rolled back, or refused as stale
    assert (kb_copy / "first.yaml").exists() == (installed == "installed")
    assert_consistent(bot)


@pytest.mark.parametrize("path", ["/reload", "sighup"])
@pytest.mark.parametrize("install_pushed_first", [True, False])
async def test_a_reload_racing_an_install_keeps_the_install(server, bot, kb_copy, path, install_pushed_first):
    shown, install = await preview(server, ADMIN_A, "a.yaml", entry("canteen", "a"))
    mark = server.mark()

    def reload():
        if path == "/reload":
            server.push_message("/reload", user_id=ADMIN_B, chat_id=ADMIN_B, language_code="en")
        else:
            bot.create_task(reload_on_hangup(bot))       # what the SIGHUP handler schedules
    pushes = [lambda: press(server, ADMIN_A, install, shown), reload]
    for push in pushes if install_pushed_first else reversed(pushes):
        push()
    report = await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30,
                                   predicate=lambda c: "Added: canteen" in c.text or "after your preview" in c.text)
    assert install_result(report.text, "en") == "installed"     # a reload writes nothing: the preview holds
    await server.wait_for("sendMessage", chat_id=ADMIN_B, since=mark, timeout=30)       # the reload's report
    assert (await ask(server, "Is there a canteen in trial zone a?", USER)).text == "Canteen a."
    assert_consistent(bot)


@pytest.mark.parametrize("hand_edit_first", [True, False])
async def test_watch_mode_racing_an_install(server, kb_copy, catalogs, tmp_path, hand_edit_first):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           admins=frozenset({ADMIN_A}), messages_per_second=0, watch_knowledge=True,
                           watch_interval=0.2) as app:
        shown, install = await preview(server, ADMIN_A, "a.yaml", entry("canteen", "a"))
        mark = server.mark()
        if hand_edit_first:
            (kb_copy / "hand.yaml").write_bytes(entry("by-hand", "h"))
            await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30,
                                  predicate=lambda c: "Added: by-hand" in c.text)
            press(server, ADMIN_A, install, shown)
            report = await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30,
                                           predicate=lambda c: "canteen" in c.text or "after your preview" in c.text)
            assert install_result(report.text, "en") == "stale"
        else:
            press(server, ADMIN_A, install, shown)
            report = await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30)
            assert install_result(report.text, "en") == "installed"
            (kb_copy / "hand.yaml").write_bytes(entry("by-hand", "h"))
            await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30,
                                  predicate=lambda c: "Added: by-hand" in c.text)
        assert (await ask(server, "Is there a canteen in trial zone h?", USER)).text == "Canteen h."
        assert_consistent(app)
        reports = [c.text for c in server.sent_messages(ADMIN_A) if c.index >= mark and "reloaded" in c.text]
        assert sum("Added: by-hand" in text for text in reports) == 1
        assert not [text for text in reports if "Added: none" in text]   # the bot's own install is not reloaded again


@pytest.mark.parametrize("cli_first", [True, False])
async def test_the_command_line_racing_an_install(server, bot, kb_copy, tmp_path, cli_first):
    shown, install = await preview(server, ADMIN_A, "a.yaml", entry("canteen", "a"))
    teach = ("kb", "teach", "kitb-area", "--question", "kitb segede apa", "--lang", "id", "--kb", str(kb_copy))
    env = {"BOT_DATA_DIR": str(tmp_path / "data")}
    mark = server.mark()
    if cli_first:
        assert (await asyncio.to_thread(run_cli, *teach, env=env)).returncode == 0
        press(server, ADMIN_A, install, shown)
    else:
        press(server, ADMIN_A, install, shown)
        done = asyncio.to_thread(run_cli, *teach, env=env)
        assert (await done).returncode == 0
    report = await server.wait_for("sendMessage", chat_id=ADMIN_A, since=mark, timeout=30)
    assert install_result(report.text, "en") == ("stale" if cli_first else "installed")
    assert '"kitb segede apa"' in (kb_copy / "kitb.yaml").read_text(encoding="utf-8")
    await reload_on_hangup(bot)          # the running bot picks up the command line's change
    assert "4.300" in (await ask(server, "kitb segede apa", USER, language_code="id")).text
    assert_consistent(bot)
