"""Indonesian stemming: particles, prefixes and suffixes, formal and chat ('ditandatangani',
'jelasin', 'nyaksiin'), checked against the language's common words (`bot.text.lexicon`).

Rules alone strip too much: 'dingin' (cold) is not di- + 'ngin', 'setelah' (after) not 'sete' +
-lah, and 'penandatangan' (signatory) is not 'tandatang' + -an. A form is taken as the root when
it is a common word, or when another affixed form of it is ('cakup' from 'cakupan', so 'mencakup',
'dicakup' and 'cakupan' meet); a word with no attested root keeps its letters. Both sides of a
match (the base's phrasings and the question) are stemmed alike, so what matters most is that the
forms of one root meet, and that unrelated words do not.
"""

from __future__ import annotations

from functools import lru_cache

from bot.text.lexicon import indonesian_frequency, is_indonesian_word
from bot.text.wordlists import PROTECTED

_PARTICLES = ("lah", "kah", "pun", "nya", "ku", "mu")
_ID_PREFIX_RECODE = {"meny": "s", "peny": "s", "mem": "p", "pem": "p", "men": "t", "pen": "t", "meng": "k", "peng": "k"}
_NASAL_PREFIXES = ("meng", "peng", "meny", "peny", "mem", "pem", "men", "pen", "me", "pe")
# Prefixes that never change the root. Not 'per-': perkiraan would become the filler 'kira'.
_ID_PLAIN_PREFIXES = ("memper", "diper", "di", "ter", "ber", "ke")
# Suffixes: '-kan' and '-an', and the chat '-in' that stands for '-kan' and '-i' (jelasin = jelaskan,
# ceritain = ceritakan, nyaksiin = menyaksikan).
_ID_SUFFIXES = ("kan", "an", "in")
# Chat nasal prefixes, which drop 'me-' from the formal ones and recode the root's first letter the
# same way: ngembangin ~ mengembangkan (k), nyaksiin ~ menyaksikan (s); but 'ngaku' is aku and
# 'nyari' cari, so the candidates are weighed (`_chat_root`). 'nge-' comes before a root
# that starts with a consonant and a vowel (ngecek, ngebahas); before 'ngerjain' (r + j) it is 'ng-'.
_ID_CHAT_NASALS = (("ng", ("k", "")), ("ny", ("s", "c")))   # the letters the root may start with
_ID_CHAT_NGE = "nge"
_ALL_PREFIXES = _ID_PLAIN_PREFIXES + _NASAL_PREFIXES
_VOWELS = "aiueo"


@lru_cache(maxsize=200_000)
def stem_indonesian(word: str) -> str:
    """'ditandatangani' → 'tandatangan', 'dicari' → 'cari', 'mencakup' → 'cakup', 'jelasin' →
    'jelas'; 'dingin', 'setelah' and 'kemarin' stay. Of the forms the rules allow (prefix and
    suffix, prefix only, suffix only), the most stripped attested root wins (module docstring)."""
    if word in PROTECTED or len(word) < 5:
        return word
    forms = [form for form in _strip(word) if form != word]
    found = next((form for form in forms if is_indonesian_word(form) or _attested_by_another(form, word)), None)
    if found is not None:
        return found
    return word if is_indonesian_word(word) or not forms else forms[0]


def _strip(word: str) -> tuple[str, ...]:
    """The forms the rules allow, most stripped first: prefix and suffix, prefix only, suffix only,
    particle only. A chat '-in' counts only where '-kan' or '-i' on the same root is a word."""
    bare = word
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 4:
            bare = word[: -len(particle)]
            break
    prefixed = _strip_prefix(bare)
    return (_strip_suffix(prefixed), prefixed, _strip_suffix(bare), bare)


def _strip_suffix(word: str) -> str:
    if word in PROTECTED:
        return word
    # '-i' only after '-an' (tandatangani): it is the last letter of too many roots (hari, industri).
    if word.endswith("ani") and len(word) >= 7:
        return word[:-1]
    for suffix in _ID_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            root = word[: -len(suffix)]
            if suffix == "in" and not (is_indonesian_word(root + "kan") or is_indonesian_word(root + "i")):
                return word
            return root
    return word


def _strip_prefix(word: str) -> str:
    for prefix in _ID_PLAIN_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix):]
    for prefix in _NASAL_PREFIXES:
        if not word.startswith(prefix) or len(word) - len(prefix) < 3:
            continue
        rest = word[len(prefix):]
        if rest[0] in _VOWELS:
            return _ID_PREFIX_RECODE.get(prefix, "") + rest
        return rest
    rest = word[len(_ID_CHAT_NGE):]
    if word.startswith(_ID_CHAT_NGE) and len(rest) >= 3 and rest[0] not in _VOWELS and rest[1] in _VOWELS:
        return rest
    for prefix, roots in _ID_CHAT_NASALS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3 and word[len(prefix)] in _VOWELS:
            return _chat_root(word, [letter + word[len(prefix):] for letter in roots])
    return word


def _chat_root(word: str, options: list[str]) -> str:
    """Of the roots a chat nasal may hide ('nyari': sari or cari; 'ngaku': kaku or aku), the most
    frequent one (after its suffix), when it is more frequent than the word itself ('nyata' is a
    root: 'sata' is rarer)."""
    frequency, _, best = max((indonesian_frequency(_strip_suffix(option)), -order, option)
                             for order, option in enumerate(options))     # on a tie, the first option
    return best if frequency > indonesian_frequency(word) else word


def _attested_by_another(form: str, word: str) -> bool:
    """A common word other than `word`, and not built on it ('dingin' does not attest 'ngin'),
    is `form` with a prefix: 'mencakup' attests 'cakup', so 'cakupan' is 'cakup' + -an. (A suffix
    alone attests nothing: 'tandatangan' is a root, not 'tandatang' + -an; nor does a word inside
    `word`: 'kembar' is the root of 'kembarannya', not ke- + 'mbar'.)"""
    candidates = [prefix + form for prefix in _ALL_PREFIXES]
    candidates += [prefix + form[1:] for prefix, letter in _ID_PREFIX_RECODE.items() if form[0] == letter]
    return any(word not in other and other not in word and is_indonesian_word(other) and _strip_prefix(other) == form
               for other in candidates)
