"""The live knowledge directory (BOT_DATA_DIR/knowledge by default) and the bundled base of a release:
seeding, following an untouched copy, never overwriting what administrators changed, `kb upgrade`,
and administrators' changes surviving a restart of the real bot process."""

from __future__ import annotations

import asyncio
import hashlib
import json
import textwrap

import pytest

from bot.admin.bundled import MARKER, BundledError, plan, prepare, reading_dir
from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.knowledge.loader import knowledge_files
from tests.bot_process import TOKEN, BotProcess
from tests.conftest import MINIMAL_KB, write_kb
from tests.fake_telegram import FakeTelegram
from tests.test_admin_e2e import NEW_ENTRY
from tests.test_cli import run_cli

EXTRA = {"extra.yaml": """
    entries:
      - id: extra
        topic: kitb
        questions:
          id: ["Apa itu ekstra?"]
          ko: ["엑스트라는 무엇입니까?"]
          en: ["What is extra?"]
        answer:
          id: "Ekstra."
          ko: "엑스트라입니다."
          en: "Extra."
"""}


def files(directory):
    return {p.name: p.read_bytes() for p in knowledge_files(directory)}


@pytest.fixture
def release(tmp_path):
    """A bundled base that the test changes as a new release would."""
    return write_kb(tmp_path / "bundled", {**MINIMAL_KB, **EXTRA})


def test_the_first_start_seeds_the_live_directory_and_the_next_finds_it_current(tmp_path, release):
    live = tmp_path / "data" / "knowledge"
    assert reading_dir(live, release) == release                  # read-only commands: no copy needed
    first = prepare(live, release)
    assert first.what == "seeded" and files(live) == files(release)
    assert json.loads((live / MARKER).read_text())["release"] == first.plan.release
    assert prepare(live, release).what == "current"
    assert knowledge_files(live) == [live / "core.yaml", live / "extra.yaml"]     # the marker is not a knowledge file


def test_an_empty_directory_is_seeded_too(tmp_path, release):
    """A volume mounted at the live directory exists, empty, on the first start."""
    live = tmp_path / "knowledge"
    live.mkdir()
    assert prepare(live, release).what == "seeded" and files(live) == files(release)


def test_an_untouched_copy_follows_a_new_release(tmp_path, release):
    live = tmp_path / "knowledge"
    prepare(live, release)
    (release / "core.yaml").write_text((release / "core.yaml").read_text().replace("4300", "4301"))
    (release / "extra.yaml").unlink()
    write_kb(release, {"more.yaml": EXTRA["extra.yaml"].replace("id: extra", "id: more")})
    before = plan(live, release)
    followed = prepare(live, release)
    assert followed.what == "followed" and followed.before == before.adopted != followed.plan.release
    assert files(live) == files(release)
    assert reading_dir(live, release) == release


def test_a_new_release_never_overwrites_what_administrators_changed(tmp_path, release):
    live = tmp_path / "knowledge"
    prepare(live, release)
    (live / "extra.yaml").write_text(EXTRA["extra.yaml"].replace("Extra.", "Ours."), encoding="utf-8")
    write_kb(live, {"ours.yaml": NEW_ENTRY})
    ours = files(live)
    (release / "core.yaml").write_text((release / "core.yaml").read_text().replace("4300", "4301"))
    (release / "extra.yaml").write_text(EXTRA["extra.yaml"].replace("Extra.", "Theirs."), encoding="utf-8")
    kept = prepare(live, release)
    assert kept.what == "kept" and files(live) == ours
    assert not kept.plan.up_to_date
    actions = {step.name: step.action for step in kept.plan.steps}
    assert actions == {"core.yaml": "take", "extra.yaml": "conflict", "ours.yaml": "keep"}
    assert set(kept.plan.changes()) == {"core.yaml"}
    assert set(kept.plan.changes(["extra.yaml"])) == {"core.yaml", "extra.yaml"}
    assert reading_dir(live, release) == live                     # what the bot answers from


def test_a_start_cut_short_while_seeding_finishes_at_the_next(tmp_path, release):
    live = tmp_path / "knowledge"
    live.mkdir()
    (live / MARKER).write_text(json.dumps({"release": None, "files": {}, "told": None}))
    (live / "core.yaml").write_bytes((release / "core.yaml").read_bytes())     # one file of two written
    assert prepare(live, release).what == "seeded" or files(live) == files(release)
    assert files(live) == files(release)
    assert prepare(live, release).what == "current"


def test_a_directory_the_bot_never_seeded_is_left_alone(tmp_path, release):
    own = write_kb(tmp_path / "own", MINIMAL_KB)
    assert prepare(own, release).what == "own"
    assert files(own) == {"core.yaml": (own / "core.yaml").read_bytes()} and not (own / MARKER).exists()
    assert reading_dir(own, release) == own
    assert prepare(BUNDLED_KNOWLEDGE_DIR, BUNDLED_KNOWLEDGE_DIR).what == "bundled"


def test_a_live_directory_that_cannot_be_written_is_a_clear_error(tmp_path, release):
    blocker = tmp_path / "data"
    blocker.write_text("not a directory")
    with pytest.raises(BundledError, match="cannot prepare the knowledge directory .*data/knowledge"):
        prepare(blocker / "knowledge", release)
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / MARKER).write_text("{broken")
    with pytest.raises(BundledError, match="is not a marker this bot wrote"):
        prepare(tmp_path / "k", release)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_kb_upgrade_shows_then_installs_the_bundled_base_and_rollback_undoes_it(tmp_path):
    """Against the real bundled base: the live copy is made to look as if an older release had been
    taken (one file then different) and administrators had changed two files, one also changed by
    the release."""
    data = tmp_path / "data"
    env = {"BOT_DATA_DIR": str(data)}
    assert run_cli("kb", "versions", env=env).returncode == 0       # seeds data/knowledge
    live = data / "knowledge"
    marker = json.loads((live / MARKER).read_text())
    old_core = (live / "events.yaml").read_bytes().replace(b"Gradika", b"Gradikaa", 1)
    (live / "events.yaml").write_bytes(old_core)                      # as the older release shipped it
    marker["files"]["events.yaml"] = sha(old_core)
    theirs = (live / "kitb.yaml").read_bytes() + b"\n# an administrator's note\n"
    (live / "kitb.yaml").write_bytes(theirs)                          # an administrator's change
    both = next(name for name in sorted(marker["files"]) if name not in ("events.yaml", "kitb.yaml"))
    mine = (live / both).read_bytes() + b"\n# changed here\n"
    (live / both).write_bytes(mine)
    marker["files"][both] = sha(b"an older release's version")      # ... and changed by the release
    marker["release"] = "0123456789ab"
    (live / MARKER).write_text(json.dumps(marker))

    shown = run_cli("kb", "upgrade", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "events.yaml: updated in this release" in shown.stdout
    assert "kitb.yaml: changed by an administrator; stays as it is" in shown.stdout
    assert f"{both}: changed by an administrator and in this release" in shown.stdout
    assert "Nothing was installed" in shown.stdout and (live / "events.yaml").read_bytes() == old_core
    wrong = run_cli("kb", "upgrade", "--take-bundled", "mou.yaml", env=env)
    assert wrong.returncode == 2 and "no administrator changed: mou.yaml" in wrong.stderr

    installed = run_cli("kb", "upgrade", "--yes", env=env)
    assert installed.returncode == 0, installed.stderr
    assert (live / "events.yaml").read_bytes() == (BUNDLED_KNOWLEDGE_DIR / "events.yaml").read_bytes()
    assert (live / "kitb.yaml").read_bytes() == theirs and (live / both).read_bytes() == mine
    assert json.loads((live / MARKER).read_text())["release"] == plan(live, BUNDLED_KNOWLEDGE_DIR).release
    again = run_cli("kb", "upgrade", env=env)
    assert "events.yaml" not in again.stdout and "Nothing to install" in again.stdout

    rolled = run_cli("kb", "rollback", env=env)
    assert rolled.returncode == 0, rolled.stderr
    assert (live / "events.yaml").read_bytes() == old_core               # kept in the history: undone
    taken = run_cli("kb", "upgrade", "--yes", "--take-bundled", both, env=env)
    assert taken.returncode == 0, taken.stderr
    assert (live / both).read_bytes() == (BUNDLED_KNOWLEDGE_DIR / both).read_bytes()
    assert (live / "kitb.yaml").read_bytes() == theirs


async def test_an_installed_upload_survives_a_restart_and_the_bundled_base_is_untouched(tmp_path):
    """The real process, no BOT_KNOWLEDGE_DIR: the upload goes to BOT_DATA_DIR/knowledge."""
    from tests.test_admin_e2e import ADMIN, USER, press_install, upload
    data = tmp_path / "data"
    bundled_before = files(BUNDLED_KNOWLEDGE_DIR)
    async with FakeTelegram(token=TOKEN) as server:
        for round_ in range(2):
            mark = server.mark()
            bot = await BotProcess.start(server.root, data, BOT_ADMINS=str(ADMIN), BOT_POLL_TIMEOUT="1")
            try:
                await server.wait_for("getUpdates", since=mark, timeout=30)
                if round_ == 0:
                    preview = await upload(server, textwrap.dedent(NEW_ENTRY).encode(), "canteen.yaml")
                    report = await press_install(server, preview)
                    assert "✅" in report.text, report.text
                server.push_message("Is there a canteen in the trial zone?", user_id=USER, chat_id=USER,
                                    language_code="en")
                answer = await server.wait_for("sendMessage", chat_id=USER, since=mark, timeout=15)
                assert answer.text == "A test answer about the canteen."
                code, _seconds = await bot.stop()
                assert code == 0
            finally:
                bot.kill()
            await asyncio.sleep(0)
    assert (data / "knowledge" / "canteen.yaml").exists()
    assert files(BUNDLED_KNOWLEDGE_DIR) == bundled_before



@pytest.mark.parametrize("changed_in_between", [False, True])
async def test_kb_upgrade_installs_on_the_version_it_previewed_or_not_at_all(tmp_path, changed_in_between):
    """`kb upgrade --yes` writes and removes files under the change lock that the bot and every other
    command take, on the version it previewed: another administrator's change in between refuses it
    whole, the removal included, and keeps that change."""
    from bot.admin.bundled import content_version, file_versions
    from bot.cli.admin import services
    from bot.cli.upgrade import install_upgrade
    from bot.config import Settings
    live = write_kb(tmp_path / "live", {**MINIMAL_KB, **EXTRA})
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    with services(settings, live) as found:
        assert found is not None
        base = content_version(file_versions(live))
        theirs = files(live)["core.yaml"] + b"\n# another administrator's note\n"
        if changed_in_between:
            (live / "core.yaml").write_bytes(theirs)
        before = files(live)
        outcome = await install_upgrade(found.admin, {"extra.yaml": None}, base)
        if changed_in_between:
            assert outcome.stale and not outcome.ok
            assert files(live) == before and files(live)["core.yaml"] == theirs
            assert "extra" in found.admin.knowledge.engine.kb.by_id
        else:
            assert outcome.ok and not outcome.stale
            assert "extra.yaml" not in files(live)
            assert "extra" not in found.admin.knowledge.engine.kb.by_id
