"""Catalogs: complete, not fuzzy, same {placeholders}; locale negotiation."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot import LANGUAGES
from bot.config import BUNDLED_LOCALES_DIR
from bot.i18n import CatalogError, Catalogs, negotiate

PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def catalog(lang):
    with open(BUNDLED_LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fp:
        return read_po(fp)


def template_ids():
    with open(BUNDLED_LOCALES_DIR / "messages.pot", "rb") as fp:
        return {m.id for m in read_po(fp) if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_not_fuzzy_and_keeps_placeholders(lang):
    messages = {m.id: m for m in catalog(lang) if m.id}
    assert template_ids() <= set(messages), "run pybabel update (see README)"
    for message_id, message in messages.items():
        assert message.string, f"{lang}: untranslated {message_id!r}"
        assert "fuzzy" not in message.flags, f"{lang}: fuzzy {message_id!r}"
        assert sorted(PLACEHOLDER.findall(message_id)) == sorted(PLACEHOLDER.findall(message.string)), \
            f"{lang}: placeholders differ in {message_id!r}"


def test_translations_are_really_loaded(catalogs):
    for lang in ("id", "ko"):
        assert catalogs.gettext(lang, "Did you mean:") != "Did you mean:"
    assert catalogs.gettext("en", "Did you mean:") == "Did you mean:"


def test_a_missing_catalog_stops_start_up(tmp_path):
    with pytest.raises(CatalogError, match="missing translation catalog"):
        Catalogs(tmp_path)


@pytest.mark.parametrize("code, lang", [("ko", "ko"), ("ko-KR", "ko"), ("id", "id"), ("in", "id"),
                                        ("en-US", "en"), ("fr", "en"), (None, "en"), ("", "en"),
                                        ("ID", "id"), ("KO", "ko"), ("EN", "en"), ("KO-kr", "ko"), ("ko_KR", "ko"),
                                        ("IN", "id"), ("id-ID", "id"), ("pt-br", "en"), ("PT-BR", "en")])
def test_negotiation_maps_telegram_language_codes(code, lang):
    assert negotiate(code) == lang


def test_every_marked_string_in_the_code_is_in_the_template():
    """A message marked with _() or N_() but missing from messages.pot would show in English to
    everyone (extracted by Babel with the same mapping as `pybabel extract -F babel.cfg`)."""
    from pathlib import Path

    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = Path(__file__).resolve().parent.parent
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    marked = {message for _file, _line, message, _comments, _context in
              extract_from_dir(str(root / "bot"), method_map=[("**.py", "python")], keywords=keywords)
              if isinstance(message, str)}
    with (BUNDLED_LOCALES_DIR / "messages.pot").open("rb") as file:
        template = {m.id for m in read_po(file) if m.id}
    assert marked, "nothing extracted: the test itself is broken"
    assert sorted(marked - template) == []
