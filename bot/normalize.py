"""Per-language normalization: the same text typed differently should give the same tokens.

Both the knowledge base phrasings and the user's question go through `Analyzer.tokens`, so the
rules only need to be consistent, not linguistically perfect.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Container, Iterable

HANGUL = "\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff"  # syllables, compatibility and conjoining jamo
_TOKEN = re.compile(rf"@[a-z0-9_]+|[{HANGUL}]+|[a-z\u00c0-\u024f]+|[0-9]+")
_NOT_WORD = re.compile(rf"[^a-z0-9\u00c0-\u024f{HANGUL}]+")
_HAS_HANGUL = re.compile(rf"[{HANGUL}]")

# Chat abbreviations and spelling variants → one form. Indonesian and English share one table:
# no key here is a word of the other language.
ABBREVIATIONS = {
    # Indonesian
    "yg": "yang", "brp": "berapa", "brapa": "berapa", "kpn": "kapan", "kapn": "kapan", "kpan": "kapan",
    "dmn": "dimana", "dimn": "dimana", "dmana": "dimana", "mana": "dimana", "gmn": "bagaimana",
    "gimana": "bagaimana", "gmna": "bagaimana", "bgmn": "bagaimana", "knp": "kenapa", "mengapa": "kenapa",
    "dgn": "dengan", "dg": "dengan", "tdk": "tidak", "gak": "tidak", "ga": "tidak", "nggak": "tidak",
    "enggak": "tidak", "ngga": "tidak", "engga": "tidak", "utk": "untuk", "untk": "untuk", "dr": "dari",
    "krn": "karena", "jg": "juga", "sdh": "sudah", "udh": "sudah", "udah": "sudah", "blm": "belum",
    "bs": "bisa", "tgl": "tanggal", "thn": "tahun", "hr": "hari", "bln": "bulan", "ttd": "tandatangan",
    "kerjasama": "kerjasama", "dirut": "direktur utama", "wagub": "wakil gubernur", "gub": "gubernur",
    "gubernurnya": "gubernur", "pemprov": "pemerintah provinsi", "prov": "provinsi", "apaan": "apa",
    "ap": "apa", "sapa": "siapa", "sp": "siapa", "spa": "siapa", "makasih": "terimakasih",
    "makasi": "terimakasih", "mksh": "terimakasih", "trims": "terimakasih", "trmksh": "terimakasih",
    "tks": "terimakasih", "ttg": "tentang", "tntg": "tentang", "dlm": "dalam", "dl": "dalam", "kyk": "kayak",
    "skrg": "sekarang", "skr": "sekarang", "sy": "saya", "aq": "aku", "gw": "saya", "gue": "saya",
    "bgt": "banget", "km": "kamu", "kmu": "kamu", "jd": "jadi", "tp": "tapi", "sbg": "sebagai", "spt": "seperti", "kl": "kalau",
    "klo": "kalau", "kalo": "kalau", "org": "orang", "pd": "pada", "tsb": "tersebut", "dll": "dan lain", "ha": "hektare", "hektar": "hektare", "cluster": "klaster", "kluster": "klaster",
    "umkm": "umkm", "ukm": "umkm", "startup": "startup", "starup": "startup", "start": "startup",
    "tenan": "tenant", "hai": "halo", "hallo": "halo", "hello": "hello", "helo": "hello",
    # English
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thank",
    "thanks": "thank", "ty": "thank", "whats": "what", "wheres": "where", "whos": "who", "hows": "how",
    "hectares": "hectare", "ha.": "hectare", "sme": "sme", "smes": "sme", "msmes": "sme", "msme": "sme",
}

# Several words that mean one thing (applied to folded text, whole words only).
PHRASES = {
    "tanda tangan": "tandatangan", "kerja sama": "kerjasama", "di mana": "dimana",
    "terima kasih": "terimakasih", "thank you": "thank", "start up": "startup", "start ups": "startup",
    "mou": "mou", "nota kesepahaman": "mou", "nota kesepemahaman": "mou", "memorandum of understanding": "mou",
    "양해각서": "mou", "업무협약": "mou", "업무 협약": "mou",
}

# Words that carry no information about which entry is meant: politeness, fillers, discourse
# particles. They are dropped; otherwise an unknown "exactly" or "sebenernya" would weigh like an
# unknown content word and push a good question into "I don't know".
STOPWORDS = set("""
sih dong deh kak kakak min mimin gan bang sis bro mas mbak ya yah nih tuh loh lho kok tolong mohon pak bu om
kah lah pun nya eh ah oh hmm hm um uh wr wb sebenarnya sebenernya emang memang banget bgt aja saja coba gitu
begitu kira ayo yuk
the a an please pls plz kindly exactly actually really basically just so well ok okay oke anyway btw
s t d ll re ve m
좀 혹시 그럼 그리고 그 저 제가 알려줘 알려주세요 알려줄래 알려줄래요 알려 주세요 줘 궁금해요 궁금해 궁금합니다 궁금
싶어요 싶습니다 알고 말해줘 말해 요 정말 진짜 근데 그런데 그냥 이만 실례지만 저기 저기요 음 네 예 ㅋㅋ ㅎㅎ
""".split())

# Indonesian and English words that affix stripping must leave alone.
PROTECTED = {
    "berapa", "bagaimana", "apa", "siapa", "kapan", "dimana", "kenapa", "dengan", "tidak", "untuk", "sudah",
    "belum", "bisa", "yang", "dari", "karena", "juga", "tanggal", "tahun", "hari", "bulan", "halo", "hai",
    "selamat", "pagi", "siang", "sore", "malam", "kamu", "anda", "saya", "aku", "kami", "kita", "mereka",
    "teknologi", "industri", "tenant", "direktur", "digital", "diskusi", "dinas", "terminal", "kebun", "startup", "seminar", "sister", "umkm", "memorandum", "terimakasih",
    "this", "was", "has", "does", "is", "us", "its", "news", "business", "always", "address", "process",
    "yes", "less", "bus", "gas", "pas", "this", "thus", "plus", "across", "series", "species",
}

KO_SYNONYMS = {
    "누가": "누구", "뭐": "무엇", "뭔": "무엇", "무슨": "무엇", "뭐야": "무엇", "뭐예요": "무엇", "뭐에요": "무엇",
    "무엇인가요": "무엇", "뭘": "무엇", "뭐였어": "무엇", "뭐지": "무엇", "무엇을": "무엇", "뭔가요": "무엇", "어딘가요": "어디", "언젠가요": "언제", "얼마나": "얼마", "몇": "얼마",
    "크기": "면적", "넓이": "면적", "규모": "면적", "땡큐": "감사", "고마워": "감사", "고마워요": "감사",
    "고맙습니다": "감사", "감사합니다": "감사", "감사해요": "감사", "서명": "체결", "서명식": "체결", "체결식": "체결",
    "사인": "체결", "안녕하세요": "안녕", "안녕하십니까": "안녕", "방가": "안녕", "하이": "안녕",
}

# Verb endings, then particles, stripped from the end of a Hangul word (longest first).
KO_ENDINGS = sorted("""했대요 한대요 했대 했다는데 한다는데 다는데 는데 대요 래요 됐대요 됐대 이래요 이래 였대요 였대
    였어 었어 았어 됐어 됐나 했니 이니 해 했 함 한 할 된 될 됨 하는 한다 했다 된다 합 한가 하니 한지 한가요 하지
    한다고 했다고 이라고 라고 이라는 라는 거예요 거에요 건가요 건데 거야 은거 는거 한대 했대 냐고 는지 은지
    했습니까 했나요 했어요 했어 했죠 됐나요 됐어요 되었나요 되나요 돼요 됩니다 인가요 입니까 입니다
    이에요 이었나요 였나요 였어요 이었어요 이죠 인지 인데 예요 에요 이야 나요 까요 어요 아요 해요 세요 습니까
    합니까 하나요 합니다 해줘 줘요 이다 니까 였지 했지 인가 이냐 냐 지요 죠 야 요""".split(), key=len, reverse=True)
KO_PARTICLES = sorted("""들이 들은 들을 들의 들도 끼리 에서는 에서 에게 한테 으로 께서 부터 까지 처럼 이랑 하고 이나 은 는 이 가 을 를 의 에 로 와 과 도
    만 랑 나 들 아 어""".split(), key=len, reverse=True)

# Grammar words: however rare in the knowledge base, they say nothing about which entry is meant.
# (Question words such as kapan/when/언제 are not here: they tell a date question from a venue one.)
GRAMMAR_WORDS = frozenset("""
the a an of to in on at for from with by about and or but is are was were be been it its this that these those
can could would will should i me my you your we our they their there here as so if then than
yang di ke dari dan dengan ini itu ada adalah akan untuk pada dalam oleh atau juga saja aja sama
tentang soal ttg mau ingin tahu tau bisa boleh nya
jadi sini situ khusus khususnya any like one some also very tell show give know want wanna need explain many sort kind
type able thing things stuff has have had having get got part which province provinces provincial provinsi
punya hal bagian mengenai perihal
사람 부분 대해 대해서 대한 관해 관해서 관한
jelasin jelaskan kasih mau ingin pengen pingin
거 것 수 등 및 그 이 저 좀 더 하
""".split())

_KO_AFFIXES = frozenset(KO_ENDINGS) | frozenset(KO_PARTICLES)


_SCRIPT_BOUNDARY = re.compile(rf"(?<=[a-z0-9\u00c0-\u024f])(?=[{HANGUL}])|(?<=[{HANGUL}])(?=[a-z0-9\u00c0-\u024f])")
_LATIN_WORD = re.compile(r"[a-z]+")
_ELONGATION = re.compile(r"([a-z])\1{2,}")           # 'halooo', 'hiii', 'thanksss'
_REDUPLICATION = re.compile(r"\b([a-z]{3,})2\b")    # Indonesian chat: 'masing2' = 'masing-masing'


def _expand(word: str) -> str:
    """Chat abbreviation, and Indonesian '-nya' dropped so 'luasnya' meets the synonym 'luas'."""
    if word in STOPWORDS:
        return word
    if len(word) >= 6 and word.endswith("nya") and word not in PROTECTED:
        word = word[:-3]
    return ABBREVIATIONS.get(word, word)


# Compatibility jamo typed on their own are chat shorthand: a few stand for words, the rest (ㅋㅋ ㅎㅎ
# ㅠㅠ ㅜㅜ) are laughter or tears and carry no meaning.
_JAMO_RUN = re.compile(r"[\u3131-\u318e]+")
JAMO_WORDS = {"ㅎㅇ": "안녕", "ㄳ": "감사", "ㄱㅅ": "감사", "ㄱㅅㄱㅅ": "감사", "ㅇㅋ": "오케이", "ㅂㅇ": "안녕",
              "ㅂㅂ": "안녕", "ㅈㅅ": "죄송"}
# Laughter written in letters: 'wkwk', 'awokawok', 'hahaha', 'hehe', 'xixi', 'lol', '하하', '크크'.
_LAUGHTER = re.compile(r"(?<![a-z\uac00-\ud7a3])(?:(?:wk){2,}w?|(?:kw){2,}k?|a?wok(?:a?wok)+|(?:ha){2,}h?|(?:he){2,}h?"
                       r"|(?:hi){2,}h?|(?:hu){2,}|(?:xi){2,}|lo+l|lmf?a+o+|rofl|(?:하){2,}|(?:히){2,}|(?:헤){2,}"
                       r"|(?:호){2,}|(?:크){2,}|(?:키){2,}|(?:흐){2,})(?![a-z\uac00-\ud7a3])")
_INVISIBLE = dict.fromkeys(i for i in range(0x10000) if unicodedata.category(chr(i)) == "Cf")
_INVISIBLE[0x0131] = "i"          # Turkish dotless ı; the dotted İ loses its dot with the accents below
_INVISIBLE[0x00AD] = None         # soft hyphen


def _jamo_word(match: re.Match[str]) -> str:
    return f" {JAMO_WORDS.get(match.group(0), '')} "


def _strip_accents(text: str) -> str:
    """'luás' → 'luas', 'İ' → 'i'. Hangul survives: its decomposed jamo are letters, not marks."""
    if text.isascii():
        return text
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
    plain = text.isascii()       # most Latin text: the Unicode steps cannot change it
    if plain:
        text = text.lower()
    else:
        text = text.translate(_INVISIBLE)
        text = _JAMO_RUN.sub(_jamo_word, text)
        text = _strip_accents(unicodedata.normalize("NFKC", text).casefold())
        text = text.replace("\u2019", "")
    text = text.replace("'", "").replace("`", "")
    text = _NOT_WORD.sub(" ", text).strip()
    text = _REDUPLICATION.sub(r"\1 \1", text)
    text = _ELONGATION.sub(r"\1", text)
    text = _LAUGHTER.sub(" ", text)
    if plain:
        return text.strip()
    text = _HANGUL_WORD.sub(lambda m: _unelongate(m.group(0)), text)
    return _SCRIPT_BOUNDARY.sub(" ", text).strip()


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
        if len(word) - length >= (2 if length == 1 else 1) and word[-length:] in suffixes:
            word = word[:-length]
            break
    for length, suffixes in particles:
        if len(word) > length and word[-length:] in suffixes:     # 곳이 → 곳, 일을 → 일
            word = word[:-length]
            break
    return KO_SYNONYMS.get(word, word)


_ID_PREFIX_RECODE = (
    ("meny", "s"), ("peny", "s"), ("mem", "p"), ("pem", "p"), ("men", "t"), ("pen", "t"),
    ("meng", "k"), ("peng", "k"),
)


def stem_indonesian(word: str) -> str:
    """Particles, then prefix, then suffix: 'ditandatangani' → 'tandatangan', 'dicari' → 'cari'."""
    if word in PROTECTED or len(word) < 5:
        return word
    for suffix in ("lah", "kah", "pun", "nya", "ku", "mu"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    word = _strip_indonesian_prefix(word)
    # '-i' only after '-an' (tandatangani): it is the last letter of too many roots (hari, industri).
    if word.endswith("ani") and len(word) >= 7:
        return word[:-1]
    for suffix in ("kan", "an"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _strip_indonesian_prefix(word: str) -> str:
    for prefix in ("memper", "diper", "di", "ter", "ber", "ke"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix):]
    for prefix in ("meng", "peng", "meny", "peny", "mem", "pem", "men", "pen", "me", "pe"):
        if not word.startswith(prefix) or len(word) - len(prefix) < 3:
            continue
        rest = word[len(prefix):]
        if rest[0] in "aiueo":
            recode = dict(_ID_PREFIX_RECODE).get(prefix)
            return recode + rest if recode else rest
        return rest
    return word


def stem_english(word: str) -> str:
    if word in PROTECTED or len(word) < 4:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-2]
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _english_inflections(form: str) -> list[str]:
    """'hope' → hopes, hoped, hoping; 'governor' → governors (also fold's "governor's")."""
    last = form.split(" ")[-1]
    if len(last) < 3:
        return []
    stem = form[:-1] if last.endswith("e") else form
    variants = [form + "s", stem + "ed", stem + "ing"]
    if last.endswith(("s", "x", "ch", "sh")):
        variants.append(form + "es")
    return variants


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
                    for variant in _english_inflections(folded):
                        spellings.setdefault(variant, key)
        self.name_tokens = {f"@{key}" for key in spellings.values()}
        # Single-word spellings feed typo correction (so "chungbok" still finds @chungbuk).
        self.single_word_names = {form: f"@{key}" for form, key in spellings.items() if " " not in form}
        self._names = self._compile(spellings)
        self._phrases = self._compile(PHRASES)

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
                 make: Callable[[str], str]) -> str:
        if compiled is None:
            return text
        pattern, lookup = compiled
        return pattern.sub(lambda m: f" {make(lookup[m.group(0).replace(' ', '')])} ", text)

    @staticmethod
    def is_grammar(word: str) -> bool:
        """A grammar word says nothing about which entry is meant, however rare it is in a base."""
        return word in GRAMMAR_WORDS or word in STOPWORDS

    @staticmethod
    def is_name(token: str) -> bool:
        return token.startswith("@")

    @staticmethod
    def split_compound(word: str, known: Container[str]) -> list[str] | None:
        """Split a spaceless Korean word into known words ('체결장소는어디' → 체결, 장소, 어디), allowing
        particles and endings between them and an unknown ending of up to two syllables."""
        n = len(word)
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

    def tokens(self, text: str, lang: str) -> list[str]:
        """Normalized tokens of `text`, written in `lang` (id, ko or en)."""
        folded = fold(text)
        # Chat abbreviations first, so 'kpn' joins the same synonym group as 'kapan' and 'when'.
        folded = _LATIN_WORD.sub(lambda m: _expand(m.group(0)), folded)
        folded = self._replace(self._names, folded, lambda key: f"@{key}")
        folded = self._replace(self._phrases, folded, lambda word: word)
        result: list[str] = []
        for token in _TOKEN.findall(folded):
            result.extend(normalize_word(token, lang))
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
