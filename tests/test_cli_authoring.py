"""`kb edit`, `kb new` and `event add`: the guided changes from the command line, as a subprocess on
real files, through the same services and the same install path as Telegram."""

from __future__ import annotations

import sqlite3

from bot.knowledge.loader import load_directory
from bot.store import DATABASE_NAME
from tests.conftest import MINIMAL_KB, write_kb
from tests.test_cli import run_cli


def setup(tmp_path):
    kb = write_kb(tmp_path / "kb", {**MINIMAL_KB, "events.yaml": "# the events\nevents: []\n"})
    return kb, {"BOT_DATA_DIR": str(tmp_path / "data")}


def test_edit_an_answer_and_a_fact(tmp_path):
    kb, env = setup(tmp_path)
    edited = run_cli("kb", "edit", "kitb-area", "--lang", "en", "--text", "Now {area_ha} ha.", "--kb", str(kb), env=env)
    assert edited.returncode == 0, edited.stderr
    assert "🇬🇧 Now 4,300 ha." in edited.stdout and "Changed: kitb-area" in edited.stdout
    fact = run_cli("kb", "edit", "area_ha", "--kb", str(kb), env=env, stdin="4400\n")
    assert fact.returncode == 0, fact.stderr
    assert "Now 4,400 ha." in fact.stdout and "Luas KITB 4.400 hektare." in fact.stdout
    loaded = load_directory(kb).kb
    assert loaded.answer_text(loaded.by_id["kitb-area"], "en") == "Now 4,400 ha."
    rows = sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT user_id, action, outcome FROM audit WHERE outcome = 'ok'").fetchall()
    assert (None, "edit kitb-area", "ok") in rows and (None, "edit fact area_ha", "ok") in rows


def test_bad_values_are_refused_with_the_conversations_messages(tmp_path):
    kb, env = setup(tmp_path)
    before = {p.name: p.read_bytes() for p in kb.iterdir()}
    for args, message in ((("kb", "edit", "kitb-area", "--lang", "en", "--text", "Luas {nope}"), "{nope}"),
                          (("kb", "edit", "kitb-area", "--lang", "en", "--text", "a } b"), "character 3"),
                          (("kb", "edit", "kitb-area", "--text", "x"), "--lang"),
                          (("kb", "edit", "area_ha", "--text", "4,400"), "4300"),
                          (("kb", "new", "--id", "kitb-area", "--question", "id:x", "--answer", "id:y"), "already"),
                          (("event", "add", "--title", "en:Seminar", "--zone", "WIB", "--date", "31/02/2027"),
                           "February 2027 has no day 31"),
                          (("event", "add", "--title", "en:Seminar", "--zone", "XYZ", "--date", "2027-03-10"), "WIB")):
        refused = run_cli(*args, "--kb", str(kb), env=env)
        assert refused.returncode == 1 and message in refused.stderr, (args, refused.stderr)
    assert {p.name: p.read_bytes() for p in kb.iterdir()} == before


def test_a_new_entry_and_an_event(tmp_path):
    kb, env = setup(tmp_path)
    dry = run_cli("kb", "new", "--id", "kitb-canteen", "--question", "id:Ada kantin di KITB?", "--question",
                  "en:Is there a canteen in KITB?", "--answer", "id:Ada.", "--answer", "en:There is.", "--dry-run",
                  "--kb", str(kb), env=env)
    assert dry.returncode == 0 and "kitb-canteen" in dry.stdout and not (kb / "new-entries.yaml").exists()
    new = run_cli("kb", "new", "--id", "kitb-canteen", "--question", "id:Ada kantin di KITB?", "--question",
                  "en:Is there a canteen in KITB?", "--answer", "id:Ada.", "--answer", "en:There is.",
                  "--kb", str(kb), env=env)
    assert new.returncode == 0, new.stderr
    assert "Added: kitb-canteen" in new.stdout and "not translated into: ko" in new.stdout
    added = run_cli("event", "add", "--title", "en:Startup seminar", "--title", "id:Seminar startup", "--zone", "KST",
                    "--date", "2099-03-10", "--time", "10:00-12:00", "--remind", "7d,1h", "--kb", str(kb), env=env)
    assert added.returncode == 0, added.stderr
    assert "⏰ 1 week before" in added.stdout and "⏰ 1 hour before" in added.stdout
    event = load_directory(kb).kb.events[0]
    assert event.id == "startup-seminar-2099-03-10" and event.timezone == "Asia/Seoul"
    assert (kb / "events.yaml").read_text(encoding="utf-8").startswith("# the events\nevents:\n  - id: startup")
