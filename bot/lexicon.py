"""Whether a Latin-script word is a common word of Indonesian or English, from wordfreq's 'small'
word lists (every word seen at least once per million words of its language's web, news, subtitle
and book text; Speer et al., wordfreq 3). Spelling correction asks it first: a real word such as
'kapal' (ship) is not a misspelling of a knowledge-base word one edit away ('kapan', when)."""

from __future__ import annotations

from functools import lru_cache

LANGUAGES = ("id", "en")   # Korean is corrected in jamo against the base only (see `bot.spelling`)


@lru_cache(maxsize=None)
def _common(lang: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict  # imported when first needed: about 0.1 s
    return get_frequency_dict(lang, wordlist="small")


def is_indonesian_word(word: str) -> bool:
    """True when `word` (lower-case) is a common Indonesian word."""
    return word in _common("id")


def indonesian_frequency(word: str) -> float:
    """How often `word` occurs in Indonesian text (a share of all words; 0 when not common)."""
    return _common("id").get(word, 0.0)


def is_common_word(word: str, lang: str) -> bool:
    """True when `word` (lower-case) is a common word of `lang` ('id' or 'en'; never for 'ko')."""
    return lang in LANGUAGES and word in _common(lang)
