"""Administration from the command line: the same services as Telegram, a real subprocess."""

from __future__ import annotations

import sqlite3

from bot.store import DATABASE_NAME, Store
from tests.conftest import MINIMAL_KB, write_kb
from tests.test_cli import run_cli


def test_suggest_teach_versions_and_rollback(tmp_path):
    kb = write_kb(tmp_path / "kb", MINIMAL_KB)
    original = (kb / "core.yaml").read_text(encoding="utf-8")
    env = {"BOT_DATA_DIR": str(tmp_path / "data")}
    store = Store(tmp_path / "data")
    for text in ("kitb segede apa", "kitb segede apa"):
        store.log_unanswered(text, "id", "private", 0.2)
    store.close()
    suggested = run_cli("kb", "suggest", "--kb", str(kb), env=env)
    assert suggested.returncode == 0, suggested.stderr
    first = suggested.stdout.splitlines()[0]
    assert "2× [id] kitb segede apa" in first and "kitb-area" in suggested.stdout
    row = first.split()[0].lstrip("#")
    taught = run_cli("kb", "teach", "kitb-area", "--row", row, "--kb", str(kb), env=env)
    assert taught.returncode == 0, taught.stderr
    assert 'Added "kitb segede apa" to kitb-area (Indonesian)' in taught.stdout
    assert '"kitb segede apa"' in (kb / "core.yaml").read_text(encoding="utf-8")
    assert "No unanswered questions" in run_cli("kb", "suggest", "--kb", str(kb), env=env).stdout
    versions = run_cli("kb", "versions", "--kb", str(kb), env=env)
    assert len(versions.stdout.splitlines()) == 2 and versions.stdout.startswith("→")
    rolled = run_cli("kb", "rollback", "--kb", str(kb), env=env)
    assert rolled.returncode == 0 and (kb / "core.yaml").read_text(encoding="utf-8") == original
    refused = run_cli("kb", "teach", "no-such-entry", "--question", "x", "--kb", str(kb), env=env)
    assert refused.returncode == 1 and "no-such-entry" in refused.stderr
    audit = sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT user_id, action, outcome FROM audit WHERE action IN ('teach', 'rollback')").fetchall()
    assert (None, "teach", "ok") in audit and (None, "rollback", "ok") in audit


def test_announce_queues_in_the_outbox_and_can_be_listed_and_cancelled(tmp_path):
    kb = write_kb(tmp_path / "kb", MINIMAL_KB)
    env = {"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_DEFAULT_LANGUAGE": "id"}
    queued = run_cli("announce", "--at", "2099-12-01 09:00 KST", "--kb", str(kb), env=env,
                     stdin="id: Seminar besok.\nen: Seminar tomorrow.\n")
    assert queued.returncode == 0, queued.stderr
    assert "Seminar besok." in queued.stdout and "#1" in queued.stdout
    listed = run_cli("announce", "--list", "--kb", str(kb), env=env)
    assert "#1, terjadwal, 1 Desember 2099 pukul 07.00 WIB:" in listed.stdout   # status and time in Indonesian
    assert run_cli("announce", "--cancel", "1", "--kb", str(kb), env=env).returncode == 0
    assert run_cli("announce", "--cancel", "1", "--kb", str(kb), env=env).returncode == 1
    preview = run_cli("announce", "--preview", "Halo", "--kb", str(kb), env=env)
    assert preview.returncode == 0 and "Halo" in preview.stdout
    assert "#1, dibatalkan," in run_cli("announce", "--list", "--kb", str(kb), env=env).stdout
    late = run_cli("announce", "--at", "2001-01-01 09:00 WIB", "x", "--kb", str(kb), env=env)
    assert late.returncode == 1 and late.stderr.strip()
