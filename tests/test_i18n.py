"""Catalogs: complete, not fuzzy, same {placeholders}; locale negotiation."""

from __future__ import annotations

import re
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import LANGUAGES
from bot.admin.notice import Notice
from bot.config import BUNDLED_LOCALES_DIR
from bot.i18n import CatalogError, Catalogs, negotiate, ngettext

PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def catalog(lang):
    with open(BUNDLED_LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fp:
        return read_po(fp)


def template_ids():
    with open(BUNDLED_LOCALES_DIR / "messages.pot", "rb") as fp:
        return {m.id for m in read_po(fp) if m.id}


def forms_used_beyond_one(message_catalog) -> set[int]:
    """The plural forms a catalog's own Plural-Forms rule picks for counts other than 1."""
    rule = c2py(message_catalog.plural_expr)
    return {rule(n) for n in range(0, 1001) if n != 1}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_not_fuzzy_and_keeps_placeholders(lang):
    """Every msgid translated, nothing fuzzy, the same {placeholders}. A plural form used for counts
    other than 1 keeps the plural msgid's placeholders; a form used for 1 alone may drop the count
    ("Questions in the last day")."""
    messages_catalog = catalog(lang)
    assert not messages_catalog.fuzzy, f"{lang}: the header is fuzzy, so pybabel compile skips the whole catalog"
    messages = {m.id: m for m in messages_catalog if m.id}
    assert template_ids() <= set(messages), "run pybabel update (see README)"
    many = forms_used_beyond_one(messages_catalog)
    for message_id, message in messages.items():
        assert "fuzzy" not in message.flags, f"{lang}: fuzzy {message_id!r}"
        if not message.pluralizable:
            assert message.string, f"{lang}: untranslated {message_id!r}"
            assert sorted(PLACEHOLDER.findall(message_id)) == sorted(PLACEHOLDER.findall(message.string)), \
                f"{lang}: placeholders differ in {message_id!r}"
            continue
        singular, plural = message_id
        assert len(message.string) == messages_catalog.num_plurals, f"{lang}: plural forms of {message_id!r}"
        for index, form in enumerate(message.string):
            assert form, f"{lang}: untranslated form {index} of {message_id!r}"
            expected = plural if index in many else singular
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(expected)), \
                f"{lang}: placeholders differ in form {index} of {message_id!r}"


@pytest.mark.parametrize("lang, forms", [("id", 1), ("ko", 1), ("en", 2)])
def test_each_catalog_has_its_languages_own_plural_rule(lang, forms):
    """Indonesian and Korean do not inflect a noun for number; English has one and many (CLDR)."""
    messages_catalog = catalog(lang)
    assert messages_catalog.num_plurals == forms == get_plural(lang).num_plurals
    assert messages_catalog.plural_expr == get_plural(lang).plural_expr
    assert any(m.pluralizable for m in messages_catalog if m.id), "no plural message at all"


@pytest.mark.parametrize("lang, one, many", [
    ("en", "The file is too large: the limit is 1 byte.", "The file is too large: the limit is 1,048,576 bytes."),
    ("id", "Berkas terlalu besar: batasnya 1 byte.", "Berkas terlalu besar: batasnya 1.048.576 byte."),
    ("ko", "파일이 너무 큽니다. 최대 1바이트까지 보낼 수 있습니다.",
     "파일이 너무 큽니다. 최대 1,048,576바이트까지 보낼 수 있습니다."),
])
def test_a_count_picks_its_form_and_is_written_with_the_readers_grouping(catalogs, lang, one, many):
    message = ngettext("The file is too large: the limit is {count} byte.",
                       "The file is too large: the limit is {count} bytes.")
    t = catalogs.for_language(lang)
    assert Notice(message, {"count": 1}).render(t) == one
    assert Notice(message, {"count": 1_048_576}).render(t) == many


def test_english_plural_forms_differ_for_one_and_many(catalogs):
    t = catalogs.for_language("en")
    assert t.ngettext("{count} group", "{count} groups", 1).format(count=1) == "1 group"
    assert t.ngettext("{count} group", "{count} groups", 0).format(count=0) == "0 groups"
    assert t.ngettext("{count} group", "{count} groups", 21).format(count=21) == "21 groups"


# A placeholder glued to an English plural noun, outside a plural message: "sent to {sent} groups".
COUNT_BEFORE_PLURAL = re.compile(r"\{(\w+)\} ([a-z]+s)\b")
NOT_NOUNS = {"is", "was", "has", "does", "as", "its", "this", "us", "ms", "unless", "needs", "appears"}
# Counts that are never 1: limits of a knowledge file (2 MB, 24 levels, 200,000 values), a length or
# size beyond such a limit, and the calibration's sample of phrasings (hundreds).
ALWAYS_MANY = {"limit", "size", "length", "positives"}


def counted_plural_nouns(text: str) -> set[str]:
    return {noun for count, noun in COUNT_BEFORE_PLURAL.findall(text)
            if noun not in NOT_NOUNS and count not in ALWAYS_MANY}


def test_no_count_meets_a_plural_noun_outside_a_plural_message():
    offenders = []
    for message_id in template_ids():
        if isinstance(message_id, tuple):
            continue
        if "(s)" in message_id:
            offenders.append(message_id)
        if counted_plural_nouns(message_id):
            offenders.append((message_id, sorted(counted_plural_nouns(message_id))))
    assert offenders == []


def test_the_plural_rule_itself_finds_what_it_should():
    assert counted_plural_nouns("sent to {sent} groups, failed {failed}.") == {"groups"}
    assert counted_plural_nouns("Version {version}: {entries} entries in {files} files.") == {"entries", "files"}
    assert counted_plural_nouns("{file} is not read because of its capital letters") == set()
    assert counted_plural_nouns("the file nests deeper than {limit} levels") == set()


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


def marked_messages() -> set:
    """Every msgid the code marks (with `_`, `N_`, `gettext` or a plural `ngettext`), extracted by
    Babel with the same mapping and keywords as the README's `pybabel extract -F babel.cfg -k _ -k N_`."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = Path(__file__).resolve().parent.parent
    keywords = {**DEFAULT_KEYWORDS, "_": None, "N_": None}
    return {message for _file, _line, message, _comments, _context in
            extract_from_dir(str(root / "bot"), method_map=[("**.py", "python")], keywords=keywords)}


def test_every_marked_string_in_the_code_is_in_the_template():
    """A message marked but missing from messages.pot would show in English to everyone."""
    marked = marked_messages()
    assert marked, "nothing extracted: the test itself is broken"
    assert any(isinstance(m, tuple) for m in marked), "no plural message extracted: the test itself is broken"
    assert sorted(marked - template_ids(), key=str) == []


def test_the_template_holds_no_message_the_code_no_longer_uses():
    """A stale msgid would keep a translation nobody sees (and hide that the text changed)."""
    assert sorted(template_ids() - marked_messages(), key=str) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_only_the_templates_messages_and_nothing_obsolete(lang):
    """`pybabel update --ignore-obsolete` (README) keeps a catalog to the template: no live msgid the
    code dropped, no `#~` leftovers."""
    messages_catalog = catalog(lang)
    assert sorted({m.id for m in messages_catalog if m.id} - template_ids(), key=str) == []
    assert dict(messages_catalog.obsolete) == {}
    text = (BUNDLED_LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "\n#~ " not in text
