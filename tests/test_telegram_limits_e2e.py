"""Telegram's documented limits on every path (issue 17, "Telegram's limits, on every path"), each at
the limit and past it: the fake Bot API server refuses what Telegram refuses (tests/fake_telegram/
limits.py), and the bot's paths stay within. The real bot, real HTTP, real catalogs and knowledge
files."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import replace

import pytest
from babel.messages.pofile import read_po, write_po

from bot.config import BUNDLED_LOCALES_DIR
from bot.i18n import Catalogs
from bot.knowledge.loader import load_directory
from bot.knowledge.scalars import ID_PATTERN, KEY_PATTERN
from bot.telegram.callbacks import STALE, Answer, Teach, Topic
from bot.telegram.inline import FULL_ANSWER, message_text
from bot.telegram.menus import DESCRIPTIONS
from bot.telegram.render import MAX_BUTTONS
from tests.conftest import MINIMAL_KB, write_kb
from tests.fake_telegram import BOT_USERNAME
from tests.telegram_harness import ask, running_bot

USER = 5501


# -- the bot's paths stay within them ---------------------------------------------------------------------
def base_with(tmp_path, extra: str) -> tuple:
    """MINIMAL_KB plus `extra` (a YAML file of entries), loaded; (knowledge base, problems rendered)."""
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, "extra.yaml": extra})
    result = load_directory(directory)
    return result.kb, [p.render() for p in result.problems]


def long_entry(entry_id: str, length: int) -> str:
    words = ("Kalimat panjang tentang kawasan industri yang terus berlanjut. " * 200)
    answer = (words[:length - 1].rstrip() + ".").ljust(length, ".")
    assert len(answer) == length
    return textwrap.dedent(f"""
        entries:
          - id: {entry_id}
            questions:
              id: ["Ceritakan kisah panjang itu"]
              ko: ["긴 이야기를 들려주세요"]
              en: ["Tell me the long story"]
            answer:
              id: "{answer}"
              ko: "{answer}"
              en: "{answer}"
    """)


@pytest.mark.parametrize("length", [4096, 4097, 9000])
async def test_an_inline_answer_longer_than_a_message_is_shortened_with_a_link_to_the_whole(
        server, catalogs, tmp_path, length):
    kb, _problems = base_with(tmp_path, long_entry("long-story", length))
    async with running_bot(server, kb, catalogs, tmp_path / "data"):
        mark = server.mark()
        server.push_inline_query("Tell me the long story", user_id=USER, language_code="en")
        call = await server.wait_for("answerInlineQuery", since=mark, timeout=10)
        assert not call.failed, call.error
        result = next(r for r in call.params["results"] if r["id"] == "long-story")
        sent = result["input_message_content"]["message_text"]
        whole = kb.answer_text(kb.by_id["long-story"], "en")
        link = f"https://t.me/{BOT_USERNAME}?start=long-story"
        if length <= 4096:
            assert sent == whole
            return
        assert len(sent) <= 4096 and sent.endswith(link) and whole.startswith(sent.split("…")[0])
        parts = []
        mark = server.mark()
        server.push_message("/start long-story", user_id=USER, language_code="en")     # the link, followed
        while len("".join(parts).replace(" ", "")) < len(whole.replace(" ", "")):
            parts.append((await server.wait_for("sendMessage", chat_id=USER, since=mark, timeout=10)).text)
        assert "".join(parts).replace(" ", "") == whole.replace(" ", "") and all(len(p) <= 4096 for p in parts)


def test_the_shortened_inline_text_fits_exactly_at_the_limit(engine):
    reply = engine.answer_by_id("kitb-area", "en")
    assert reply is not None
    shortened = message_text(replace(reply, text="x " * 2500), "https://t.me/b?start=kitb-area", FULL_ANSWER)
    assert len(shortened) <= 4096 and shortened.endswith("https://t.me/b?start=kitb-area")


def long_translations(tmp_path, lang: str, texts: dict[str, str]) -> Catalogs:
    """The bundled catalogs with some of `lang`'s translations replaced (real gettext, read by Babel)."""
    target = tmp_path / "locales"
    shutil.copytree(BUNDLED_LOCALES_DIR, target, ignore=shutil.ignore_patterns("*.mo"))
    path = target / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=lang)
    for msgid, text in texts.items():
        catalog[msgid].string = text
    with path.open("wb") as file:
        write_po(file, catalog)
    return Catalogs(target)


@pytest.mark.parametrize("length", [200, 201, 600])
async def test_a_button_answer_is_at_most_200_characters_whatever_the_translation(server, bundled_kb, tmp_path,
                                                                                  length):
    catalogs = long_translations(tmp_path, "en", {STALE: "Sorry. " + "x" * (length - 7)})
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data"):
        await ask(server, "/help", USER, language_code="en")
        mark = server.mark()
        server.push_callback_query("zz9:forged", chat_id=USER, user_id=USER, language_code="en")
        call = await server.wait_for("answerCallbackQuery", since=mark, timeout=10)
        assert not call.failed and len(call.params["text"]) == min(length, 200)


@pytest.mark.parametrize("length", [256, 257, 900])
async def test_command_menus_fit_256_characters_whatever_the_translation(server, bundled_kb, tmp_path, length):
    catalogs = long_translations(tmp_path, "ko", {DESCRIPTIONS["start"]: "시" * length})
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data"):
        menus = [c for c in server.calls_to("setMyCommands")]
        assert menus and not any(c.failed for c in menus)
        korean = server.commands({"type": "all_private_chats"}, "ko")
        assert len(korean[0]["description"]) == min(length, 256)


def crowded_topic(count: int) -> str:
    entries = "".join(textwrap.dedent(f"""
          - id: item-{n}
            topic: kitb
            questions:
              id: ["Apa itu barang nomor {n}?"]
              ko: ["{n}번 물건은 무엇인가요?"]
              en: ["What is item number {n}?"]
            answer:
              id: "Barang nomor {n}."
              ko: "{n}번 물건입니다."
              en: "Item number {n}."
    """) for n in range(count))
    return "entries:" + entries


@pytest.mark.parametrize("count", [MAX_BUTTONS - 2, 150])
async def test_a_topic_with_more_entries_than_a_message_has_buttons(server, catalogs, tmp_path, count):
    """MINIMAL_KB's topic holds 2 entries; with `count` more it offers 100 buttons at most, and
    `kb check` warns at the first entry left out."""
    kb, problems = base_with(tmp_path, crowded_topic(count))
    warnings = [p for p in problems if "the topic 'kitb' holds more entries" in p]
    if count + 2 <= MAX_BUTTONS:
        assert warnings == []
    else:
        first_left_out = kb.by_id[f"item-{MAX_BUTTONS - 2}"].source
        assert len(warnings) == 1 and warnings[0].startswith(first_left_out + ":1: warning:"), warnings
    async with running_bot(server, kb, catalogs, tmp_path / "data"):
        call = await ask(server, "/start kitb", USER, language_code="en")
        assert not call.failed and len(call.buttons()) == min(count + 2, MAX_BUTTONS)


def test_the_longest_ids_validation_allows_fit_every_button_and_deep_link():
    longest_id, longest_key = "a" * 40, "k" * 40
    assert ID_PATTERN.match(longest_id) and not ID_PATTERN.match(longest_id + "a")
    assert KEY_PATTERN.match(longest_key) and not KEY_PATTERN.match(longest_key + "k")
    sqlite_max_row = 2 ** 63 - 1
    for button in (Answer("en", longest_id), Topic("en", longest_key), Teach(sqlite_max_row, longest_id)):
        assert len(button.encode().encode()) <= 64, button
    assert len(longest_id) <= 64    # a deep link's start parameter: 1-64 of A-Za-z0-9_-


async def test_an_entry_with_the_longest_id_works_through_buttons_and_its_deep_link(server, catalogs, tmp_path):
    longest = "a" * 39 + "z"
    kb, problems = base_with(tmp_path, textwrap.dedent(f"""
        entries:
          - id: {longest}
            topic: kitb
            questions:
              id: ["Siapa pengelola kawasan itu?"]
              ko: ["단지 운영자는 누구인가요?"]
              en: ["Who runs the estate?"]
            answer:
              id: "Pengelolanya PT KITB."
              ko: "운영자는 KITB입니다."
              en: "PT KITB runs it."
            related: [kitb-area]
    """))
    assert not [p for p in problems if "error" in p], problems
    async with running_bot(server, kb, catalogs, tmp_path / "data"):
        topic = await ask(server, "/start kitb", USER, language_code="en")
        data = next(b["callback_data"] for b in topic.buttons() if longest in b["callback_data"])
        mark = server.mark()
        server.push_callback_query(data, chat_id=USER, user_id=USER, message_id=topic.result["message_id"],
                                   language_code="en")
        answer = await server.wait_for("sendMessage", chat_id=USER, since=mark, timeout=10)
        assert answer.text == "PT KITB runs it." and not answer.failed
        linked = await ask(server, f"/start {longest}", USER, language_code="en")
        assert linked.text == "PT KITB runs it."


async def test_inline_mode_offers_at_most_five_results(server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data"):
        mark = server.mark()
        server.push_inline_query("kitb mou technopark chungbuk", user_id=USER, language_code="en")
        call = await server.wait_for("answerInlineQuery", since=mark, timeout=10)
        assert not call.failed and 1 <= len(call.params["results"]) <= 5
        assert all(len(r["title"]) <= 100 and len(r.get("description", "")) <= 200 for r in call.params["results"])

