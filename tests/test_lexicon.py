"""The common-word lists (`bot.text.lexicon`): read straight from wordfreq's files, as wordfreq reads them."""

from __future__ import annotations

import pytest
from wordfreq import get_frequency_dict

from bot.text.lexicon import _common, indonesian_frequency, is_common_word, is_indonesian_word


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_lists_are_wordfreqs_own(lang):
    assert _common(lang) == get_frequency_dict(lang, wordlist="small")


def test_words_are_common_in_their_own_language_only():
    assert is_common_word("kapal", "id") and not is_common_word("kapal", "en")
    assert is_common_word("arena", "en")
    assert not is_common_word("kapna", "id") and not is_common_word("whem", "en")
    assert not is_common_word("면적", "ko")          # Korean is never looked up
    assert is_indonesian_word("cari") and not is_indonesian_word("ngin")
    assert indonesian_frequency("cari") > indonesian_frequency("sari") > 0 == indonesian_frequency("ngin")
