""".yml files and retyped values, end to end: upload, install, watch and rollback treat them alike."""

from __future__ import annotations

import textwrap

from bot.knowledge.loader import load_directory
from tests.telegram_harness import ask, running_bot
from tests.test_admin_e2e import ADMIN, NEW_ENTRY, USER, admin_bot, kb_dir, press_install, upload  # noqa: F401 (fixtures)


async def test_a_yml_upload_is_installed_under_its_own_name_and_rolled_back(server, admin_bot, kb_dir):  # noqa: F811
    data = textwrap.dedent(NEW_ENTRY).encode()
    preview = await upload(server, data, "canteen.yml")
    assert "canteen.yml is valid" in preview.text and "Added: test-added" in preview.text
    report = await press_install(server, preview)
    assert "✅" in report.text
    assert (kb_dir / "canteen.yml").read_bytes() == data and not (kb_dir / "canteen.yaml").exists()
    answered = await ask(server, "Is there a canteen in the trial zone?", USER)
    assert answered.text == "A test answer about the canteen."
    assert load_directory(kb_dir).kb.files.keys() >= {"canteen.yml"}      # a restart reads it too
    rolled = await ask(server, "/rollback", ADMIN)
    assert "Removed: test-added" in rolled.text and not (kb_dir / "canteen.yml").exists()


async def test_a_yml_twin_of_an_installed_file_is_refused_in_the_admins_language(
        server, admin_bot, kb_dir):  # noqa: F811
    before = {p.name: p.read_bytes() for p in kb_dir.iterdir()}
    refused = await upload(server, (kb_dir / "kitb.yaml").read_bytes(), "kitb.yml", language_code="id")
    assert "❌" in refused.text
    assert "kitb.yml dan kitb.yaml sama-sama ada di direktori basis pengetahuan" in refused.text
    assert {p.name: p.read_bytes() for p in kb_dir.iterdir()} == before


async def test_an_upload_with_a_retyped_value_is_refused_at_its_line(server, admin_bot, kb_dir):  # noqa: F811
    bad = textwrap.dedent(NEW_ENTRY).replace('en: "A test answer about the canteen."', "en: yes").encode()
    refused = await upload(server, bad, "canteen.yaml", language_code="ko")
    assert "❌" in refused.text
    assert 'canteen.yaml:12:11: 오류: yes은(는) 텍스트가 아니라 예/아니요 값 true(으)로 읽힙니다' in refused.text
    assert not (kb_dir / "canteen.yaml").exists()


async def test_watch_mode_loads_a_yml_file_dropped_into_the_directory(server, kb_dir, catalogs, tmp_path):  # noqa: F811
    kb = load_directory(kb_dir).kb
    async with running_bot(server, kb, catalogs, tmp_path / "data", knowledge_dir=kb_dir,
                           admins=frozenset({ADMIN}), watch_knowledge=True):
        mark = server.mark()
        (kb_dir / "added.yml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
        told = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10)
        assert "✅" in told.text and "Added: test-added" in told.text
        answered = await ask(server, "Is there a canteen in the trial zone?", USER)
        assert answered.text == "A test answer about the canteen."
