"""/edit end to end, in Indonesian, Korean and English: from the command (or ✏️ under an answer) to
the reply that uses the change, through the fake Bot API server."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_directory
from tests.authoring_steps import ADMIN, USER, press, send
from tests.telegram_harness import ask, running_bot

LANGS = ["id", "ko", "en"]
INSTALLED = {"id": "✅ Diterapkan", "ko": "✅ 적용했습니다", "en": "✅ Installed"}


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           admins=frozenset({ADMIN}), messages_per_second=0) as app:
        yield app


def question(kb_dir, lang: str, entry: str = "kitb-area") -> str:
    return load_directory(kb_dir).kb.by_id[entry].questions[lang][0]


@pytest.mark.parametrize("lang", LANGS)
async def test_edit_an_answer_from_the_command_to_the_new_reply(server, bot, kb_copy, lang):
    shown = await send(server, "/edit kitb-area", lang=lang)
    assert "kitb-area" in shown.text and "{kitb_area_ha}" in shown.text
    prompt = await press(server, shown, f"au1:lang:{lang}", lang=lang)
    assert "{kitb_area_ha}" in prompt.text
    preview = await send(server, "NEW {kitb_area_ha} ha {kitb}", lang=lang)
    area = {"id": "4.300", "ko": "4,300", "en": "4,300"}[lang]
    assert f"NEW {area} ha" in preview.text
    report = await press(server, preview, "au1:install:", lang=lang)
    assert INSTALLED[lang] in report.text
    answered = await ask(server, question(kb_copy, lang), USER, language_code=lang)
    assert answered.text.startswith(f"NEW {area} ha")
    assert '"NEW {kitb_area_ha} ha {kitb}"' in (kb_copy / "kitb.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
async def test_edit_a_fact_shows_every_answer_that_uses_it(server, bot, kb_copy, lang):
    shown = await send(server, "/edit kitb_area_ha", lang=lang)
    assert "kitb-area" in shown.text and "kitb-what" in shown.text
    refused = await send(server, "4.400", lang=lang)
    assert "4300" in refused.text and "⚠️" in refused.text           # how to write it; the draft stays
    preview = await send(server, "4400", lang=lang)
    area = {"id": "4.400", "ko": "4,400", "en": "4,400"}[lang]
    assert "kitb-area" in preview.text and "kitb-what" in preview.text and "4.400" in preview.text \
        and "4,400" in preview.text
    report = await press(server, preview, "au1:install:", lang=lang)
    assert INSTALLED[lang] in report.text
    answered = await ask(server, question(kb_copy, lang), USER, language_code=lang)
    assert area in answered.text
    assert "kitb_area_ha: 4400" in (kb_copy / "core.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
async def test_the_pencil_under_an_answer_opens_the_entry(server, bot, kb_copy, lang):
    answered = await ask(server, question(kb_copy, lang), ADMIN, language_code=lang)
    pencil = [b for b in answered.buttons() if b["callback_data"].startswith("ed1:")]
    assert [b["callback_data"] for b in pencil] == ["ed1:kitb-area"]
    shown = await press(server, answered, "ed1:kitb-area", lang=lang)
    assert "kitb-area" in shown.text
    prompt = await press(server, shown, "au1:lang:en", lang=lang)
    preview = await send(server, "In all, {kitb} covers {kitb_area_ha} hectares.", lang=lang)
    await press(server, preview, "au1:install:", lang=lang)
    again = await ask(server, question(kb_copy, "en"), USER, language_code="en")
    assert again.text.startswith("In all, the Batang Integrated Industrial Estate (KITB) covers 4,300 hectares.")
    assert prompt.text
    plain = await ask(server, question(kb_copy, lang), USER, language_code=lang)
    assert not [b for b in plain.buttons() if b["callback_data"].startswith("ed1:")]     # not for others


async def test_a_question_finds_the_entries_to_choose_from(server, bot):
    offered = await send(server, "/edit how big is kitb")
    assert any(b["callback_data"] == "au1:pick:kitb-area" for b in offered.buttons())
    shown = await press(server, offered, "au1:pick:kitb-area")
    assert "kitb-area" in shown.text
