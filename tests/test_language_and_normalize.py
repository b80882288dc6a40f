from __future__ import annotations

import pytest

from bot.text.language import detect_language
from bot.text.normalize import Analyzer, fold, jamo, stem_indonesian, strip_korean


@pytest.mark.parametrize("text, lang", [
    ("MoU signing 장소가 어디예요?", "ko"),
    ("안녕", "ko"),
    ("ㅎㅇ", "ko"),
    ("luas kitb brp?", "id"),
    ("kapan mou ditandatangani", "id"),
    ("halo", "id"),
    ("makasih ya", "id"),
    ("hi", "en"),
    ("hello there", "en"),
    ("when was the mou signed", "en"),
    ("thx", "en"),
    # 'ya' is Indonesian (yes, a tag) and English chat (see ya): it votes for neither
    ("thank ya", "en"),
    ("gotta go, see ya tomorrow", "en"),
    ("oke ya", "id"),
    ("mou nya tahun berapa ya", "id"),
    # chat spellings of closed-class words vote like their standard forms
    ("kitb gede gk", "id"),
    ("emg bener kitb didukung pemerintah", "id"),
    ("wen was mou signed", "en"),
    ("dunno wat kitb is", "en"),
])
def test_detects_language_including_short_greetings_and_code_mixing(text, lang):
    assert detect_language(text) == lang


def test_no_language_is_claimed_without_evidence():
    assert detect_language("KITB") is None
    assert detect_language("ok") is None
    assert detect_language("see ya") is None     # the engine then asks the words' phrasings
    assert detect_language("ya") is None
    assert detect_language("") is None


def test_fold_lowercases_and_removes_punctuation():
    assert fold("  Berapa LUAS KITB?!  ") == "berapa luas kitb"
    assert fold("Ｋｉｔｂ") == "kitb"   # full-width letters from some keyboards


def test_indonesian_affixes_reduce_to_one_stem():
    forms = ["ditandatangani", "menandatangani", "penandatanganan", "tandatangani"]
    assert {stem_indonesian(f) for f in forms} == {"tandatangan"}
    assert stem_indonesian("dicari") == stem_indonesian("cari") == "cari"
    assert stem_indonesian("berapa") == "berapa"      # question words are never stemmed


@pytest.mark.parametrize("word, stem", [
    ("penandatangan", "tandatangan"),   # the signatory: a root ending in -an keeps it
    ("dingin", "dingin"),               # cold, not di- + ngin
    ("setelah", "setelah"),             # after, not sete + -lah
    ("tandatangan", "tandatangan"),     # a root ending in -an: no prefixed form attests 'tandatang'
    ("pertanyaan", "pertanyaan"),       # not 'rtanya'
    ("kemarin", "kemarin"),             # yesterday, not a chat -in
    ("didesain", "desain"),             # designed: desa (village) + -in is no reading
    # the forms of one root meet: a prefixed common word attests a root that is not one itself
    ("mencakup", "cakup"), ("dicakup", "cakup"), ("cakupan", "cakup"),
    ("melibatkan", "libat"), ("dilibatkan", "libat"),
    ("kembangin", "kembang"), ("mengembangkan", "kembang"),
    # a chat nasal hides one of two roots: the more frequent one, if more frequent than the word
    ("nyari", "cari"), ("ngaku", "aku"), ("nyoba", "coba"), ("ngambil", "ambil"), ("nyata", "nyata"),
    ("luasnya", "luas"),                # a real suffix still goes
    ("diresmikan", "resmi"),
    ("berinvestasi", "investasi"),
])
def test_indonesian_stemming_keeps_roots_that_look_affixed(word, stem):
    """The most stripped form that is a common Indonesian word, or a root other common words
    attest with a prefix, wins (`bot.text.indonesian`)."""
    assert stem_indonesian(word) == stem


def test_korean_particles_and_endings_are_stripped():
    assert strip_korean("면적은") == "면적"
    assert strip_korean("장소가") == "장소"
    assert strip_korean("어디예요") == "어디"
    assert strip_korean("체결했나요") == "체결"


def test_jamo_split_makes_one_vowel_typo_one_letter():
    assert len(jamo("면적")) == 6 and len(jamo("면젹")) == 6
    assert sum(a != b for a, b in zip(jamo("면적"), jamo("면젹"))) == 1


def test_names_and_synonyms_become_one_token_in_every_spelling():
    analyzer = Analyzer([("chungbuk", ["Chungcheongbuk-do", "Chungbuk", "충북", "충청북도", "Chungheongbuk-do"]),
                         ("area", ["luas", "area", "면적"])])
    spellings = ["Chungcheongbuk-do", "chungcheongbuk do", "CHUNGBUK", "Chungheongbuk-do", "충청북도는", "충북이"]
    for text in spellings:
        assert analyzer.tokens(text, "ko" if "충" in text else "en") == ["@chungbuk"], text
    assert analyzer.tokens("luas", "id") == analyzer.tokens("면적은", "ko") == ["@area"]


def test_indonesian_chat_abbreviations_expand():
    analyzer = Analyzer()
    assert analyzer.tokens("brp luas yg dmn", "id") == ["berapa", "luas", "yang", "dimana"]
    assert analyzer.tokens("dirut kitb", "id")[:2] == ["direktur", "utama"]


@pytest.mark.parametrize("word, stem", [
    ("근거임", "근거"),            # the chat ending -임 goes
    ("정기모임", "정기모임"),      # but a noun ending in 모임, 책임, 참여 ... keeps it
    ("공동책임", "공동책임"),
    ("사업참여", "사업참여"),
])
def test_korean_chat_endings_leave_nouns_whole(word, stem):
    assert strip_korean(word) == stem
