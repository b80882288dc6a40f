"""Per-language normalization: the same text typed differently should give the same tokens.

Both the knowledge base phrasings and the user's question go through `Analyzer.tokens`, so the
rules only need to be consistent, not linguistically perfect.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Container, Iterable

from bot.text.english import english_inflections, stem_english
from bot.text.indonesian import stem_indonesian
from bot.text.lexicon import is_common_word
from bot.text.wordlists import (
    ABBREVIATIONS,
    EMOTICON,
    GRAMMAR_WORDS,
    JAMO_RUN,
    JAMO_WORDS,
    KO_ENDINGS,
    KO_NOUN_TAILS,
    KO_PARTICLES,
    KO_SYNONYMS,
    LAUGHTER,
    PHRASES,
    PROTECTED,
    STOPWORDS,
)

__all__ = ["ABBREVIATIONS", "GRAMMAR_WORDS", "JAMO_WORDS", "KO_ENDINGS", "KO_PARTICLES", "KO_SYNONYMS", "PHRASES",
           "PROTECTED", "STOPWORDS", "Analyzer", "fold", "has_hangul", "jamo", "normalize_word", "stem_english",
           "stem_indonesian", "strip_korean"]

HANGUL = "\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff"  # syllables, compatibility and conjoining jamo
_TOKEN = re.compile(rf"@[a-z0-9_]+|[{HANGUL}]+|[a-z\u00c0-\u024f]+|[0-9]+")
_NOT_WORD = re.compile(rf"[^a-z0-9\u00c0-\u024f{HANGUL}]+")
_HAS_HANGUL = re.compile(rf"[{HANGUL}]")

_KO_AFFIXES = frozenset(KO_ENDINGS) | frozenset(KO_PARTICLES)
KO_COPULA = "임"          # chat: '곳임' = '곳이에요'


_SCRIPT_BOUNDARY = re.compile(rf"(?<=[a-z0-9\u00c0-\u024f])(?=[{HANGUL}])|(?<=[{HANGUL}])(?=[a-z0-9\u00c0-\u024f])")
_LATIN_WORD = re.compile(r"[a-z]+")
_POSSESSIVE = re.compile(r"(?<=[a-z0-9])['`]s\b")
_ELONGATION = re.compile(r"([a-z])\1{2,}")           # 'halooo', 'hiii', 'thanksss'
_REDUPLICATION = re.compile(r"\b([a-z]{3,})2\b")    # Indonesian chat: 'masing2' = 'masing-masing'


def _expand(word: str) -> str:
    """Chat abbreviation, and Indonesian '-nya' dropped so 'luasnya' meets the synonym 'luas'."""
    if word in STOPWORDS:
        return word
    if len(word) >= 6 and word.endswith("nya") and word not in PROTECTED:
        word = word[:-3]
    return ABBREVIATIONS.get(word, word)


_INVISIBLE = dict.fromkeys(i for i in range(0x10000) if unicodedata.category(chr(i)) == "Cf")
_INVISIBLE[0x0131] = "i"          # Turkish dotless ı; the dotted İ loses its dot with the accents below
_INVISIBLE[0x00AD] = None         # soft hyphen


def _jamo_word(match: re.Match[str]) -> str:
    return f" {JAMO_WORDS.get(match.group(0), '')} "


_PLAIN_OR_HANGUL = re.compile(r"[\x00-\x7f\uac00-\ud7a3]*")


def _strip_accents(text: str) -> str:
    """'luás' → 'luas', 'İ' → 'i'. Hangul survives: its decomposed jamo are letters, not marks."""
    if text.isascii() or _PLAIN_OR_HANGUL.fullmatch(text):
        return text      # Hangul syllables decompose into jamo (letters) and compose back unchanged
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


# Vowel each Korean medial ends in: an elongated '요오오' repeats the sound 오 after 요.
_VOWEL_END = [0, 1, 0, 1, 4, 5, 4, 5, 8, 0, 1, 5, 8, 13, 4, 5, 20, 13, 18, 20, 20]
_SAME_SOUND = {1: {1, 5}, 5: {1, 5}}


def _unelongate(word: str) -> str:
    """'언제예요오오' → '언제예요': drop trailing vowel-only syllables that repeat the vowel before."""
    while len(word) >= 3:
        last, before = ord(word[-1]) - 0xAC00, ord(word[-2]) - 0xAC00
        if not (0 <= last < 11172 and 0 <= before < 11172) or last // 588 != 11 or last % 28:
            break
        vowel, previous = (last % 588) // 28, _VOWEL_END[(before % 588) // 28]
        if vowel != previous and vowel not in _SAME_SOUND.get(previous, ()):
            break
        word = word[:-1]
    return word


_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{3,}")


def fold(text: str) -> str:
    """Unicode-normalize, lowercase, drop chat noise (invisible characters, accents, laughter,
    stray jamo, elongation), turn punctuation into spaces, and separate Latin from Hangul
    ('MoU언제' → 'mou 언제', 'KITB가' → 'kitb 가')."""
    text = EMOTICON.sub(" ", text)
    plain = text.isascii()       # most Latin text: the Unicode steps cannot change it
    if plain:
        text = text.lower()
    else:
        text = text.translate(_INVISIBLE)
        text = JAMO_RUN.sub(_jamo_word, text)
        text = _strip_accents(unicodedata.normalize("NFKC", text).casefold())
        text = text.replace("\u2019", "'")
    # The possessive goes ('CTP's goal' → 'ctp goal': a short name has no inflected spellings),
    # other apostrophes join ('what's' → 'whats').
    text = _POSSESSIVE.sub("", text).replace("'", "").replace("`", "")
    text = _NOT_WORD.sub(" ", text).strip()
    # Each step below changes one word at a time, so each distinct word is done once.
    text = " ".join([_fold_word(word) for word in text.split(" ")])
    if plain:
        return text.strip()
    text = _HANGUL_WORD.sub(lambda m: _unelongate(m.group(0)), text)
    return _SCRIPT_BOUNDARY.sub(" ", text).strip()


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    """Chat noise within one word: 'masing2', 'halooo', laughter."""
    return LAUGHTER.sub(" ", _ELONGATION.sub(r"\1", _REDUPLICATION.sub(r"\1 \1", word)))


@lru_cache(maxsize=100_000)
def _expand_word(word: str) -> str:
    """`_expand` on each run of Latin letters of one folded word; a whole Hangul word in the table
    ('바이') is replaced too."""
    if word.isalpha() and word.isascii():
        return _expand(word)
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    return _LATIN_WORD.sub(lambda m: _expand(m.group(0)), word)


# Letters, digits, spaces and Hangul syllables: most phrasings. On such a text every step of `fold`
# and of the abbreviations works within one word, so each distinct word is folded once.
_SIMPLE_TEXT = re.compile(r"[A-Za-z0-9 \uac00-\ud7a3]*")


def _simple_folded(text: str) -> str | None:
    """`fold` then `_expand_word` on each word, for a text `_SIMPLE_TEXT` matches; None otherwise."""
    if not _SIMPLE_TEXT.fullmatch(text):
        return None
    words = [_simple_word(word) for word in text.split(" ") if word]
    return None if None in words else " ".join(words)      # type: ignore[arg-type]


@lru_cache(maxsize=100_000)
def _simple_word(word: str) -> str | None:
    """One word of a simple text, folded and expanded; None when the folded word is empty or
    spaced at an end (laughter): `fold` strips the text's ends, so the whole text is folded."""
    if EMOTICON.fullmatch(word):
        return None             # 'xD': the whole text is folded, emoticons and all
    folded = _fold_word.__wrapped__(word.lower())
    if not folded.isascii():
        folded = _SCRIPT_BOUNDARY.sub(" ", _HANGUL_WORD.sub(lambda m: _unelongate(m.group(0)), folded))
    if not folded or folded != folded.strip():
        return None
    return " ".join([_expand_word(piece) for piece in folded.split(" ")])


def has_hangul(text: str) -> bool:
    return bool(_HAS_HANGUL.search(text))


def jamo(text: str) -> str:
    """Split Hangul syllables into jamo so one wrong vowel costs one letter, not a syllable."""
    return unicodedata.normalize("NFD", text)


def _by_length(suffixes: list[str]) -> list[tuple[int, frozenset[str]]]:
    lengths = sorted({len(x) for x in suffixes}, reverse=True)
    return [(n, frozenset(x for x in suffixes if len(x) == n)) for n in lengths]


_KO_SUFFIX_TABLES = (_by_length(KO_ENDINGS), _by_length(KO_PARTICLES))


def strip_korean(word: str) -> str:
    """Drop one verb ending, then one particle, longest first: '체결했나요' → '체결'."""
    word = KO_SYNONYMS.get(word, word)
    endings, particles = _KO_SUFFIX_TABLES
    for length, suffixes in endings:
        # A one-syllable ending must leave two syllables: 분야 and 역할 are nouns, not 분+야, 역+할.
        if length == 1 and word.endswith(KO_NOUN_TAILS):
            continue
        if len(word) - length >= (2 if length == 1 else 1) and word[-length:] in suffixes:
            word = word[:-length]
            break
    for length, suffixes in particles:
        if len(word) > length and word[-length:] in suffixes:     # 곳이 → 곳, 일을 → 일
            word = word[:-length]
            break
    return KO_SYNONYMS.get(word, word)


class Analyzer:
    """Text → tokens. Knows the knowledge base's names, so every spelling of a name is one token."""

    def __init__(self, names: Iterable[tuple[str, Iterable[str]]] = ()):
        spellings: dict[str, str] = {}
        for key, forms in names:
            for form in forms:
                folded = fold(form)
                if not folded:
                    continue
                spellings.setdefault(folded, key)
                spellings.setdefault(folded.replace(" ", ""), key)
                if not has_hangul(folded) and len(folded) > 3:
                    for variant in english_inflections(folded):
                        spellings.setdefault(variant, key)
        self.name_tokens = {f"@{key}" for key in spellings.values()}
        # A spelling of several Latin words also stands for its stemmed words, which an affix may
        # have hidden from the match on the text: 'provinsi kembarannya' is 'provinsi kembar'.
        self._stemmed: dict[str, dict[tuple[str, ...], str]] = {
            lang: {stems: f"@{key}" for form, key in spellings.items() if " " in form and not has_hangul(form)
                   for stems in [tuple(s for w in form.split(" ") for s in normalize_word(w, lang))]
                   if len(stems) > 1}
            for lang in ("id", "en")}
        # Single-word spellings feed typo correction (so "chungbok" still finds @chungbuk).
        self.single_word_names = {form: f"@{key}" for form, key in spellings.items() if " " not in form}
        self._names = self._compile(spellings)
        self._phrases = self._compile({form: word for form, word in PHRASES.items() if word})
        self._openers = self._compile({form: word for form, word in PHRASES.items() if not word})

    @staticmethod
    def _compile(table: dict[str, str]) -> tuple[re.Pattern, dict[str, str]] | None:
        if not table:
            return None
        latin_edge = r"a-z0-9\u00c0-\u024f"
        latin, hangul = [], []
        for form in sorted(table, key=len, reverse=True):
            if has_hangul(form):
                # Korean spacing varies (충북 테크노파크 = 충북테크노파크) and particles follow freely; a
                # form of two or more syllables is found even inside a spaceless compound (클러스터투자).
                body = " ?".join(" ?".join(re.escape(ch) for ch in word) for word in form.split(" "))
                syllables = len(form.replace(" ", ""))
                hangul.append(body if syllables >= 2 else rf"(?<![{HANGUL}]){body}")
            else:
                latin.append(re.escape(form))
        # One lookaround around all Latin forms (a Latin form stands as a whole word): per-form
        # lookarounds would make the regex engine try every form at every position.
        branches = []
        if latin:
            branches.append(rf"(?<![{latin_edge}])(?:{'|'.join(latin)})(?![{latin_edge}])")
        if hangul:
            branches.append("|".join(hangul))
        pattern = re.compile("|".join(branches))
        lookup = {re.sub(" ", "", form): value for form, value in table.items()}
        return pattern, lookup

    @staticmethod
    def _replace(compiled: tuple[re.Pattern[str], dict[str, str]] | None, text: str,
                 make: Callable[[str], str], surfaces: list[str] | None = None) -> str:
        if compiled is None:
            return text
        pattern, lookup = compiled

        def replace(match: re.Match[str]) -> str:
            form = match.group(0).replace(" ", "")
            if surfaces is not None:
                surfaces.append(form)
            return f" {make(lookup[form])} "
        return pattern.sub(replace, text)

    @staticmethod
    def is_grammar(word: str) -> bool:
        """A grammar word says nothing about which entry is meant, however rare it is in a base."""
        return word in GRAMMAR_WORDS or word in STOPWORDS

    @staticmethod
    def is_name(token: str) -> bool:
        return token.startswith("@")

    @staticmethod
    def is_common_word(word: str, lang: str) -> bool:
        """A common word of the language (`bot.text.lexicon`): no misspelling to correct."""
        return is_common_word(word, lang)

    @staticmethod
    def split_compound(word: str, known: Container[str]) -> list[str] | None:
        """Split a spaceless Korean word into known words ('체결장소는어디' → 체결, 장소, 어디), allowing
        particles and endings between them and an unknown ending of up to two syllables."""
        n = len(word)
        # A known noun of one syllable with the chat copula -임 ('곳임': 'KITB 뭐하는 곳임?'); a verb
        # ending ('일함', does work) is left to the rest, which finds the verb's group.
        if n == 2 and word.endswith(KO_COPULA) and word[0] in known:
            return [word[0]]
        best: list[tuple[int, list[str]] | None] = [None] * (n + 1)   # (known chars, pieces)
        best[0] = (0, [])
        for end in range(1, n + 1):
            for start in range(max(0, end - 12), end):
                here = best[start]
                if here is None:
                    continue
                piece = word[start:end]
                if len(piece) >= 2 and piece not in known:
                    piece = strip_korean(piece)      # '무슨' → '무엇', '체결했' → '체결'
                is_known = piece in known and len(piece) >= 2
                if not is_known and piece not in _KO_AFFIXES:
                    continue
                score = here[0] + (len(piece) if is_known else 0)
                current = best[end]
                if current is None or score > current[0]:
                    best[end] = (score, here[1] + ([piece] if is_known else []))
        for end in range(n, max(0, n - 2) - 1, -1):
            found = best[end]
            if found is not None and found[1]:
                return found[1]
        return None

    def tokens(self, text: str, lang: str, surfaces: list[str] | None = None) -> list[str]:
        """Normalized tokens of `text`, written in `lang` (id, ko or en). `surfaces`, when given,
        receives the spellings that became a name or synonym token ('luas' for @area). An opener
        that announces a question ('mau tanya') is dropped, unless it is all there is."""
        prepared, found = self.prepare(text)
        if surfaces is not None:
            surfaces.extend(found)
        return self.tokens_of(prepared, lang)

    def prepare(self, text: str, folded: str | None = None) -> tuple[str, tuple[str, ...]]:
        """The part of `tokens` that is the same in every language: folded (`folded`, when the
        caller has it), chat abbreviations expanded, names and synonym groups made tokens; and the
        spellings that became those tokens."""
        expanded = _simple_folded(text) if folded is None else None
        if expanded is None:
            # Chat abbreviations first, so 'kpn' joins the same synonym group as 'kapan' and 'when'.
            expanded = " ".join([_expand_word(word) for word in (fold(text) if folded is None else folded).split(" ")])
        surfaces: list[str] = []
        return self._replace(self._names, expanded, lambda key: f"@{key}", surfaces), tuple(surfaces)

    def tokens_of(self, prepared: str, lang: str) -> list[str]:
        """The tokens of a `prepare`d text in `lang`."""
        asked = self._replace(self._openers, prepared, lambda word: word)
        found = self._words(asked, lang)
        return found if found or asked == prepared else self._words(prepared, lang)

    def _words(self, folded: str, lang: str) -> list[str]:
        """The tokens of a folded text whose names are already tokens."""
        folded = self._replace(self._phrases, folded, lambda word: word)
        result: list[str] = []
        for token in _TOKEN.findall(folded):
            result.extend(normalize_word(token, lang))
        stemmed = self._stemmed.get(lang)
        if stemmed and len(result) > 1:
            at = 0
            while at < len(result) - 1:
                for length in (3, 2):
                    key = stemmed.get(tuple(result[at:at + length]))
                    if key is not None:
                        result[at:at + length] = [key]
                        break
                at += 1
        return result



@lru_cache(maxsize=200_000)
def normalize_word(token: str, lang: str) -> tuple[str, ...]:
    """One token → its normalized form(s); cached because the same words recur endlessly."""
    if token.startswith("@") or token.isdigit():
        return (token,)
    if has_hangul(token):
        if token in STOPWORDS or token in _KO_AFFIXES:   # a particle left over after a name
            return ()
        stripped = strip_korean(token)
        return () if stripped in STOPWORDS else (stripped,)
    out = []
    for word in ABBREVIATIONS.get(token, token).split(" "):
        if word not in STOPWORDS:
            out.append(stem_indonesian(word) if lang == "id" else stem_english(word))
    return tuple(out)
