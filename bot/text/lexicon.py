"""Whether a Latin-script word is a common word of Indonesian or English, from wordfreq's 'small'
word lists (every word seen at least once per million words of its language's web, news, subtitle
and book text; Speer et al., wordfreq 3). Spelling correction asks it first: a real word such as
'kapal' (ship) is not a misspelling of a knowledge-base word one edit away ('kapan', when). The
Indonesian stemmer asks it which forms are roots, and which of two is more frequent (`bot.text.indonesian`)."""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

import msgpack  # type: ignore[import-untyped]

LANGUAGES = ("id", "en")   # Korean is corrected in jamo against the base only (see `bot.engine.spelling`)


@lru_cache(maxsize=None)
def _common(lang: str) -> dict[str, float]:
    """Word → frequency (a share of all words) of wordfreq's 'small' list for `lang`. The file is
    read directly (gzip, msgpack: a header, then one list of words per centibel of frequency, as
    `wordfreq.read_cBpack` documents): importing wordfreq itself costs 0.07 s of start-up for its
    tokenizers, which are not used here. Any other layout goes through wordfreq's own API."""
    spec = importlib.util.find_spec("wordfreq")
    path = Path(spec.origin).parent / "data" / f"small_{lang}.msgpack.gz" if spec and spec.origin else None
    if path is not None and path.is_file():
        with gzip.open(path, "rb") as file:
            pack = msgpack.load(file, raw=False)
        if pack and isinstance(pack[0], dict) and pack[0].get("format") == "cB" and pack[0].get("version") == 1:
            return {word: 10 ** (-index / 100) for index, bucket in enumerate(pack[1:]) for word in bucket}
    from wordfreq import get_frequency_dict
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


@lru_cache(maxsize=None)
def frequent_words(lang: str, count: int) -> tuple[str, ...]:
    """The `count` most frequent words of `lang` ('id', 'en' or 'ko'), most frequent first: the
    generic words of everyday text ('get', 'need', 'tahun', '있다'), not a topic's words."""
    common = _common(lang)
    return tuple(sorted(common, key=lambda word: -common[word])[:count])
