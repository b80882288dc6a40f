"""The command line as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import MINIMAL_KB, ROOT, write_kb


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=60)


def test_ask_json_gives_one_object_per_question_with_the_required_fields():
    result = run_cli("ask", "--json", "Berapa luas KITB?", "비트코인 가격 알려줘")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    answer, refusal = lines
    assert {"question", "lang", "entry", "score", "answer", "choices"} <= answer.keys()
    assert (answer["question"], answer["lang"], answer["entry"]) == ("Berapa luas KITB?", "id", "kitb-area")
    assert "4.300" in answer["answer"] and answer["choices"] == []
    assert (refusal["lang"], refusal["entry"], refusal["kind"]) == ("ko", None, "fallback")
    assert refusal["answer"]   # the localized fallback text


def test_ask_reads_standard_input_until_eof_and_honours_lang():
    result = run_cli("ask", "--json", "--lang", "en", stdin="luas kitb brp\n\nkapan mou ditandatangani\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["entry"], x["lang"]) for x in lines] == [("kitb-area", "en"), ("mou-date", "en")]
    assert "hectares" in lines[0]["answer"]


def test_kb_option_and_environment_variable_select_the_knowledge_base(tmp_path):
    kb = write_kb(tmp_path / "kb", MINIMAL_KB)
    by_option = run_cli("ask", "--json", "--kb", str(kb), "How big is KITB?")
    by_env = run_cli("ask", "--json", "How big is KITB?", env={"BOT_KNOWLEDGE_DIR": str(kb)})
    for result in (by_option, by_env):
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["answer"] == "KITB covers 4,300 hectares."


def test_kb_check_passes_on_the_bundled_base_and_fails_with_the_error_list(tmp_path):
    ok = run_cli("kb", "check")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: ")
    broken = write_kb(tmp_path / "broken", {"a.yaml": "entries:\n  - id: x\n    questions: {id: [a]}\n"})
    bad = run_cli("kb", "check", str(broken))
    assert bad.returncode == 1
    assert "a.yaml:2:5: error: the entry 'x' has no 'answer'" in bad.stderr
    assert "a.yaml:3:16: error: the questions of 'x': no text for ko, en" in bad.stderr


def test_a_broken_knowledge_base_stops_ask_with_errors_not_a_traceback(tmp_path):
    broken = write_kb(tmp_path / "broken", {"a.yaml": b"entries: [\xff]\n"})
    result = run_cli("ask", "--kb", str(broken), "halo")
    assert result.returncode == 1
    assert "a.yaml:1:11: error: the file is not UTF-8 text (byte 0xff)" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_eval_json_summary(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text('- {q: "berapa luas kitb", lang: id, expect: kitb-area}\n'
                     '- {q: "siapa presiden amerika", lang: id, expect: null}\n', encoding="utf-8")
    result = run_cli("kb", "eval", str(cases), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["top1_accuracy"] == {"id": 1.0}
    assert (summary["offtopic"], summary["offtopic_refused"], summary["answered_wrongly"]) == (1, 1, 0)
    assert summary["language_accuracy"] == 1.0 and summary["misses"] == []


def test_chat_console_answers_picks_numbered_choices_and_switches_language(tmp_path):
    data = {"BOT_DATA_DIR": str(tmp_path / "data")}
    session = "luas kitb brp\n1\n/lang ko\nKITB 면적\nresep rendang\n/quit\n"
    result = run_cli("chat", stdin=session, env=data)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "4.300" in out                     # the Indonesian answer
    assert "1. " in out                       # numbered follow-ups
    assert "한국어" in out and "4,300헥타르" in out
    # The language choice and the unanswered question live in SQLite under the data folder.
    again = run_cli("chat", stdin="/quit\n", env=data)
    assert "Sahabat" in again.stdout and "콘솔" in again.stdout
    import sqlite3
    rows = sqlite3.connect(tmp_path / "data" / "sahabat.sqlite3").execute(
        "SELECT text, chat_type FROM unanswered").fetchall()
    assert rows == [("resep rendang", "console")]


def test_ask_json_gives_the_top_three_candidates_on_every_kind_of_reply(tmp_path):
    result = run_cli("ask", "--json", "Berapa luas KITB?", "investasi", "what is the weather in london",
                     env={"BOT_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in replies] == ["answer", "clarify", "fallback"]
    for reply in replies:
        assert 1 <= len(reply["candidates"]) <= 3
        assert all(set(c) == {"entry", "score"} and 0 <= c["score"] <= 1 for c in reply["candidates"])
    assert replies[0]["candidates"][0]["entry"] == "kitb-area"


def test_kb_check_and_kb_eval_print_what_was_calibrated(tmp_path):
    check = run_cli("kb", "check")
    assert check.returncode == 0, check.stderr
    assert "Calibrated on" in check.stdout and "near misses answered" in check.stdout
    evaluation = run_cli("kb", "eval", "--json", str(ROOT / "tests" / "eval" / "questions.yaml"),
                         env={"BOT_DATA_DIR": str(tmp_path / "data")})
    assert evaluation.returncode == 0, evaluation.stderr
    calibration = json.loads(evaluation.stdout)["calibration"]
    assert 0 < calibration["answer_score"] <= 1 and calibration["target_wrong_rate"] == 0.03
    assert calibration["positives"] > 100 and 0 <= calibration["expected_answered_wrong"] <= 0.03


def test_the_calibration_target_comes_from_the_environment(tmp_path):
    strict = run_cli("kb", "check", env={"BOT_TARGET_WRONG_RATE": "0.01"})
    assert strict.returncode == 0, strict.stderr
    assert "1.0%" in strict.stdout
    refused = run_cli("kb", "check", env={"BOT_TARGET_WRONG_RATE": "3"})
    assert refused.returncode == 2 and "BOT_TARGET_WRONG_RATE" in refused.stderr
