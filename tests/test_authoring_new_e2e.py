"""/new end to end: an entry in three languages, and one in Indonesian only, from the command to
the replies that use it, through the fake Bot API server."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_directory
from tests.authoring_steps import ADMIN, USER, press, send
from tests.telegram_harness import ask, running_bot

CANTEEN = {
    "id": ("Apakah ada kantin di kawasan KITB?", "Ada kantin di gedung pengelola {kitb}.",
           ["kantin kitb dimana", "ada tempat makan di kitb"]),
    "ko": ("KITB 단지 안에 구내식당이 있나요?", "{kitb} 관리동에 구내식당이 있습니다.",
           ["kitb 구내식당 어디", "kitb 식당 있어요"]),
    "en": ("Is there a canteen in the KITB estate?", "There is a canteen in the management building of {kitb}.",
           ["where is the kitb canteen", "kitb place to eat"]),
}
INSTALLED = {"id": "✅ Diterapkan", "ko": "✅ 적용했습니다", "en": "✅ Installed"}


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           admins=frozenset({ADMIN}), messages_per_second=0) as app:
        yield app


async def new_entry(server, lang: str, languages: list[str]):
    """/new as an administrator whose language is `lang`, giving the entry in `languages` (the
    others skipped); returns the preview."""
    await send(server, "/new", lang=lang)
    question, answer, more = CANTEEN[lang]
    nearest = await send(server, question, lang=lang)
    assert "kitb" in nearest.text.lower()                 # the nearest existing entries are shown
    step = await send(server, answer, lang=lang)
    for other in [code for code in ("id", "ko", "en") if code != lang]:
        if other not in languages:
            step = await press(server, step, "au1:skip:", lang=lang)
            continue
        other_question, other_answer, _more = CANTEEN[other]
        await send(server, other_question, lang=lang)
        step = await send(server, other_answer, lang=lang)
    assert any(b["callback_data"] == "au1:done:" for b in step.buttons())
    counted = await send(server, "\n".join(more), lang=lang)
    assert "3" in counted.text
    proposed = await press(server, counted, "au1:done:", lang=lang)
    assert any(b["callback_data"] == "au1:keep:" for b in proposed.buttons())
    return await send(server, "kitb-canteen", lang=lang)


@pytest.mark.parametrize("lang", ["id", "ko", "en"])
async def test_a_new_entry_in_three_languages(server, bot, kb_copy, lang):
    preview = await new_entry(server, lang, ["id", "ko", "en"])
    assert "kitb-canteen" in preview.text and "관리동에 구내식당이 있습니다." in preview.text
    report = await press(server, preview, "au1:install:", lang=lang)
    assert INSTALLED[lang] in report.text and "kitb-canteen" in report.text
    for reader, (question, _answer, more) in CANTEEN.items():
        answered = await ask(server, question, USER, language_code=reader)
        assert answered.text == load_directory(kb_copy).kb.render(CANTEEN[reader][1], reader)
        again = await ask(server, more[0], USER, language_code=reader) if reader == lang else None
        assert again is None or again.text == answered.text
    assert "kitb-canteen" in (kb_copy / "new-entries.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("reader", ["id", "ko", "en"])
async def test_a_new_entry_in_indonesian_only(server, bot, kb_copy, reader):
    preview = await new_entry(server, "id", ["id"])
    assert "belum diterjemahkan" in preview.text          # the untranslated warning, in the admin's language
    report = await press(server, preview, "au1:install:", lang="id")
    assert INSTALLED["id"] in report.text
    shown = load_directory(kb_copy).kb.render(CANTEEN["id"][1], "id")
    if reader == "id":
        answered = await ask(server, CANTEEN["id"][0], USER, language_code="id")
        assert answered.text == shown
    else:
        answered = await ask(server, "/start kitb-canteen", USER, language_code=reader)     # a deep link
        note = {"ko": "이 답변은 아직 한국어로 준비되지 않아 인도네시아어로 보여 드립니다.",
                "en": "This answer is not available in English yet, so here it is in Indonesian."}[reader]
        assert answered.text.splitlines() == [note, shown]
