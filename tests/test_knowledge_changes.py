"""Every change to the knowledge directory is serialized, checked against its preview's base, and
undone exactly when it fails: through the services, with real files and a real SQLite store.
(The Telegram paths race end to end in test_knowledge_races_e2e.py.)"""

from __future__ import annotations

import asyncio
import os
import textwrap

import pytest

from bot.admin.knowledge import KnowledgeAdmin, UploadPreview
from bot.admin.knowledge_service import KnowledgeService, ReloadOutcome
from bot.admin.teach import Taught, Teacher
from bot.engine.answer import Engine
from bot.knowledge.builder import content_version
from bot.knowledge.loader import load_directory, read_sources
from bot.store import Store
from tests.conftest import MINIMAL_KB, write_kb
from tests.test_cli import run_cli

ADMIN_A, ADMIN_B = 7, 8


def entry(entry_id: str, marker: str) -> bytes:
    return textwrap.dedent(f"""
        entries:
          - id: {entry_id}
            questions:
              {{id: ["Ada kantin {marker}?"], ko: ["구내식당 {marker} 있나요?"], en: ["Is there a canteen {marker}?"]}}
            answer: {{id: "Ada {marker}.", ko: "있습니다 {marker}.", en: "There is {marker}."}}
    """).encode()


@pytest.fixture
def dirs(tmp_path):
    return write_kb(tmp_path / "kb", MINIMAL_KB), tmp_path / "data"


def make_admin(dirs, catalogs, store=None):
    kb_dir, data_dir = dirs
    store = store or Store(data_dir)
    engine = Engine(load_directory(kb_dir).kb, catalogs)
    knowledge = KnowledgeService(kb_dir, data_dir, engine, catalogs, store)
    return KnowledgeAdmin(knowledge, store, max_upload_bytes=100_000, unanswered_days=30, stats_days=7)


@pytest.fixture
def admin(dirs, catalogs):
    made = make_admin(dirs, catalogs)
    yield made
    made.store.close()


def files(kb_dir):
    return {path.name: path.read_bytes() for path in sorted(kb_dir.iterdir()) if path.is_file()}


def assert_consistent(admin: KnowledgeAdmin) -> None:
    """What answers is what is on disk, and that version is kept (so /rollback can come back to it)."""
    sources, problems = read_sources(admin.knowledge.knowledge_dir)
    assert not problems
    assert admin.knowledge.engine.kb.version == content_version(sources)
    assert admin.knowledge.installer.folder_of(content_version(sources)) is not None


async def test_two_administrators_installing_the_same_new_entry_lose_nothing(admin):
    """The reported failure: both uploads define one new entry and both press Install."""
    kb_dir = admin.knowledge.knowledge_dir
    first = await admin.preview_upload(ADMIN_A, "a.yaml", entry("canteen", "a"))
    second = await admin.preview_upload(ADMIN_B, "b.yaml", entry("canteen", "b"))
    assert isinstance(first, UploadPreview) and isinstance(second, UploadPreview)
    kept_before = admin.knowledge.installer.versions()
    outcomes = await asyncio.gather(admin.confirm_upload(ADMIN_A, first.token),
                                    admin.confirm_upload(ADMIN_B, second.token))
    assert sorted((o.ok, o.stale) for o in outcomes) == [(False, True), (True, False)]
    winner = "a.yaml" if outcomes[0].ok else "b.yaml"
    loser = "b.yaml" if winner == "a.yaml" else "a.yaml"
    assert (kb_dir / winner).exists() and not (kb_dir / loser).exists()
    assert len(admin.knowledge.installer.versions()) == len(kept_before) + 1
    assert_consistent(admin)
    again = await admin.reload(ADMIN_A)
    assert again.ok and again.diff.nothing         # the next /reload finds nothing added or removed
    retried = await admin.preview_upload(ADMIN_B if loser == "b.yaml" else ADMIN_A, loser, entry("canteen", "x"))
    assert isinstance(retried, UploadPreview) and not retried.outcome.ok
    assert any("duplicate entry id 'canteen'" in p.render() for p in retried.outcome.problems)


async def test_a_change_waits_for_another_process_holding_the_lock(dirs, catalogs, admin):
    other = make_admin(dirs, catalogs, admin.store)         # another process: its own lock file handle
    async with other.knowledge.changing():
        install = asyncio.create_task(admin.install(ADMIN_A, {"a.yaml": entry("canteen", "a")}, "upload a.yaml"))
        await asyncio.sleep(0.5)
        assert not install.done() and not (admin.knowledge.knowledge_dir / "a.yaml").exists()
    assert (await install).ok
    assert_consistent(admin)


async def test_waiting_for_the_lock_can_be_cancelled_and_leaves_it_free(dirs, catalogs, admin):
    other = make_admin(dirs, catalogs, admin.store)
    async with other.knowledge.changing():
        waiting = asyncio.create_task(admin.reload(ADMIN_A))
        await asyncio.sleep(0.2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    assert (await asyncio.wait_for(admin.reload(ADMIN_A), 10)).ok


@pytest.mark.parametrize("install_first", [True, False])
async def test_teaching_racing_an_install(admin, install_first):
    kb_dir = admin.knowledge.knowledge_dir
    preview = await admin.preview_upload(ADMIN_A, "a.yaml", entry("canteen", "a"))

    async def teach():
        return await Teacher(admin).teach(ADMIN_B, "kitb-area", "kitb segede apa", "id")

    if install_first:
        installed = await admin.confirm_upload(ADMIN_A, preview.token)
        taught = await teach()
        assert installed.ok and (kb_dir / "a.yaml").exists()
    else:
        taught = await teach()
        installed = await admin.confirm_upload(ADMIN_A, preview.token)
        assert installed.stale and not (kb_dir / "a.yaml").exists()
    assert isinstance(taught, Taught) and taught.outcome.ok
    assert "kitb segede apa" in admin.knowledge.engine.kb.by_id["kitb-area"].questions["id"]
    assert_consistent(admin)


@pytest.mark.parametrize("install_first", [True, False])
async def test_rollback_racing_an_install(admin, install_first):
    kb_dir = admin.knowledge.knowledge_dir
    original = files(kb_dir)
    await admin.install(ADMIN_A, {"first.yaml": entry("first", "x")}, "upload first.yaml")
    after_first = files(kb_dir)
    preview = await admin.preview_upload(ADMIN_A, "a.yaml", entry("canteen", "a"))
    if install_first:
        assert (await admin.confirm_upload(ADMIN_A, preview.token)).ok
        assert (await admin.rollback(ADMIN_B)).ok
        assert files(kb_dir) == after_first        # the rollback undid the install, and only it
    else:
        assert (await admin.rollback(ADMIN_B)).ok
        assert (await admin.confirm_upload(ADMIN_A, preview.token)).stale
        assert files(kb_dir) == original
    assert_consistent(admin)


@pytest.mark.parametrize("install_first", [True, False])
async def test_reload_racing_an_install(admin, install_first):
    preview = await admin.preview_upload(ADMIN_A, "a.yaml", entry("canteen", "a"))
    confirm = admin.confirm_upload(ADMIN_A, preview.token)
    reload = admin.reload(ADMIN_B, "sighup")
    installed, reloaded = await asyncio.gather(confirm, reload) if install_first else \
        reversed(await asyncio.gather(reload, confirm))
    assert installed.ok and reloaded.ok             # a reload changes no file: the preview still holds
    assert "canteen" in admin.knowledge.engine.kb.by_id
    assert_consistent(admin)


async def test_every_change_at_once_ends_consistent(admin):
    """An install, teaching, a reload and a rollback started together: one at a time, whatever the
    order; each either applies or is refused as a whole."""
    await admin.install(ADMIN_A, {"first.yaml": entry("first", "x")}, "upload first.yaml")
    preview = await admin.preview_upload(ADMIN_A, "a.yaml", entry("canteen", "a"))
    results = await asyncio.gather(
        admin.confirm_upload(ADMIN_A, preview.token),
        Teacher(admin).teach(ADMIN_B, "kitb-area", "kitb segede apa", "id"),
        admin.reload(ADMIN_B), admin.rollback(ADMIN_B))
    assert all(isinstance(r, (ReloadOutcome, Taught)) for r in results)
    assert_consistent(admin)


async def test_a_failed_write_puts_back_exactly_what_was_there(admin, monkeypatch):
    """A rollback writes several files; the disk refuses the second: the first is put back, the
    history and the loaded version stay as they were."""
    kb_dir = admin.knowledge.knowledge_dir
    await admin.install(ADMIN_A, {"a.yaml": entry("canteen", "a"), "core.yaml": (kb_dir / "core.yaml").read_bytes()
                                  .replace(b"area_ha: 4300", b"area_ha: 4400")}, "upload two files")
    before, kept, version = files(kb_dir), admin.knowledge.installer.versions(), admin.knowledge.engine.kb.version
    real_replace = os.replace

    def failing(source, target, *args, **kwargs):
        if str(target).endswith("core.yaml") and b"4300" in open(source, "rb").read():
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing)
    outcome = await admin.rollback(ADMIN_B)
    monkeypatch.setattr(os, "replace", real_replace)
    assert not outcome.ok and "No space left on device" in outcome.problems[0].render()
    assert files(kb_dir) == before
    assert admin.knowledge.installer.versions() == kept and admin.knowledge.engine.kb.version == version
    assert not [p for p in kb_dir.iterdir() if p.name.endswith(".tmp")]
    assert_consistent(admin)


async def test_a_change_checked_invalid_writes_nothing(admin):
    kb_dir = admin.knowledge.knowledge_dir
    before = files(kb_dir)
    outcome = await admin.install(ADMIN_A, {"bad.yaml": b"entries:\n  - id: x\n"}, "upload bad.yaml")
    assert not outcome.ok and not outcome.stale and files(kb_dir) == before


@pytest.mark.parametrize("cli_first", [True, False])
async def test_the_command_line_racing_an_install(admin, cli_first):
    """`kb teach` runs in another process: it takes the same lock and changes the same files."""
    kb_dir, data_dir = admin.knowledge.knowledge_dir, admin.knowledge.installer.history_dir.parent
    env = {"BOT_DATA_DIR": str(data_dir)}
    preview = await admin.preview_upload(ADMIN_A, "a.yaml", entry("canteen", "a"))
    teach = ("kb", "teach", "kitb-area", "--question", "kitb segede apa", "--lang", "id", "--kb", str(kb_dir))
    if cli_first:
        assert (await asyncio.to_thread(run_cli, *teach, env=env)).returncode == 0
        assert (await admin.confirm_upload(ADMIN_A, preview.token)).stale
        assert not (kb_dir / "a.yaml").exists()
    else:
        assert (await admin.confirm_upload(ADMIN_A, preview.token)).ok
        assert (await asyncio.to_thread(run_cli, *teach, env=env)).returncode == 0
        assert (kb_dir / "a.yaml").exists()
    assert "kitb segede apa" in (kb_dir / "core.yaml").read_text(encoding="utf-8")
    assert (await admin.reload(ADMIN_A)).ok        # what SIGHUP does after a command-line change
    assert_consistent(admin)


async def test_the_command_line_waits_while_the_bot_changes_the_files(admin):
    kb_dir, data_dir = admin.knowledge.knowledge_dir, admin.knowledge.installer.history_dir.parent
    teach = asyncio.to_thread(run_cli, "kb", "teach", "kitb-area", "--question", "kitb segede apa", "--lang", "id",
                              "--kb", str(kb_dir), env={"BOT_DATA_DIR": str(data_dir)})
    async with admin.knowledge.changing():
        task = asyncio.ensure_future(teach)
        await asyncio.sleep(4)          # long enough for the process to start and reach the lock
        assert not task.done() and "segede" not in (kb_dir / "core.yaml").read_text(encoding="utf-8")
    assert (await task).returncode == 0
    assert "segede" in (kb_dir / "core.yaml").read_text(encoding="utf-8")
