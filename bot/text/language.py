"""Which of Indonesian, Korean or English a question is written in.

The sentence decides, not its borrowed words: "berapa jumlah tenant kitb" is Indonesian and "what is
면적 of KITB" is English. So only closed-class words vote: question words, pronouns, prepositions,
auxiliaries, particles, chat forms and affixes that belong to one language. Nouns ("tenant", "area",
"investasi", "면적") never vote, since code-mixed chat borrows nouns freely.

A Hangul word with a Korean ending or particle, or a Korean question word, is Korean grammar; a
bare Hangul noun counts for little. When Latin grammar words of one language outweigh the Korean
grammar, the sentence is that language. When nothing votes clearly the answer is None, and the
caller uses other evidence (the user's chosen language, then Telegram's).
"""

from __future__ import annotations

import re

from bot.text.normalize import KO_ENDINGS, KO_PARTICLES, fold

# Closed-class and chat words only (no nouns): a general language resource, not a list of this
# knowledge base's vocabulary.
INDONESIAN = frozenset("""
yang nya apa apakah siapa siapakah kapan kapankah dimana dimanakah mana bagaimana gimana gmn kenapa mengapa
berapa brp brapa kpn dmn yg dgn tdk utk sdh udh blm jg krn dr sy aq gw gue km kmu ap sapa
di ke dari dan dengan ini itu ada adalah ialah tidak gak ga nggak enggak ngga engga bukan belum sudah udah
bisa boleh akan sedang masih lagi juga saja aja dong sih deh kok nih tuh ya yah kah lah pun
untuk buat bagi pada dalam oleh atau tapi tetapi jadi kalau kalo klo karena agar supaya sama
saya aku kamu anda kami kita mereka dia beliau kalian punya
halo hai selamat pagi siang sore malam terima kasih makasih terimakasih tolong mohon minta
mau ingin pengen tahu tau tanya bertanya jelaskan jelasin kasih beri berikan kapan sekarang tentang soal
sebutkan apaan gitu begitu seperti kayak antara berapakah sejak hingga sampai oke iya
brpa berape gmana gimn bgmana gimane knapa knpa napa kenape dmna dimane siape emg emng bener bnr gtu trs trus
ntar entar pake cuman gk kagak kaga ngak nggk ngk tak blum blom bkn msh jga krna karna bsa dng yng skrng sya
pgn nanya liat gede doang gaes kak kakak gan mbak pak bu
""".split())

ENGLISH = frozenset("""
the a an what whats who whos whom when where wheres why how hows which whose is are was were be been being
does do did done can could would will should shall may might must of in on at to for from with by about
and or but not no yes this that these those it its there here i me my mine you your we our us they them
their he him his she her please tell explain know hi hello hey thanks thank thx bye goodbye morning evening
anything something someone anyone any some many much more most very also just still yet already ever
into onto over under between after before during since until than then so if
u ur ya gonna gotta wanna cya wat wut wht whut wot wats wen whn whr wher whre wich whch abt coz cuz dunno
im shud wud isnt doesnt didnt wasnt arent dont thnx thanx tnx tysm tho omg tbh
""".split())
# 'ya' is in both lists, so it never votes: Indonesian 'ya' (yes, a tag) and English chat 'see ya'.

_WORD = re.compile(r"[a-z]+")
_ANY_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff]")
_INDONESIAN_LAUGHTER = re.compile(r"(?:wk){2,}|a?wok(?:a?wok)+|(?:kw){2,}", re.IGNORECASE)   # 'wkwk' is Indonesian chat
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
_KO_QUESTION = ("무엇", "뭐", "뭔", "무슨", "누구", "누가", "언제", "어디", "어떻게", "어떤", "얼마", "몇", "왜", "어느")
_KO_GRAMMAR_ENDINGS = tuple(sorted(set(KO_ENDINGS) | set(KO_PARTICLES), key=len, reverse=True))
MARGIN = 1.0


def language_scores(text: str, folded: str | None = None) -> dict[str, float]:
    """Grammar votes per language ('id', 'en', 'ko') for `text` (`folded`: `fold(text)`, when the
    caller has it)."""
    folded = fold(text) if folded is None else folded
    scores = {"id": 0.0, "en": 0.0, "ko": 0.0}
    if _INDONESIAN_LAUGHTER.search(text):
        scores["id"] += 0.5
    for word in _WORD.findall(folded):
        in_id, in_en = word in INDONESIAN, word in ENGLISH
        if in_id and not in_en:
            scores["id"] += 1
        elif in_en and not in_id:
            scores["en"] += 1
        elif not in_id and not in_en and len(word) > 4:
            # Affixes the lists cannot enumerate.
            if word.endswith(("nya", "kan", "lah", "kah", "asi")) or word.startswith(("meng", "meny", "diper", "memper")):
                scores["id"] += 0.5
            elif word.endswith(("ing", "tion", "ly", "ment", "ness")):
                scores["en"] += 0.5
    for word in _HANGUL_WORD.findall(folded):
        if word.startswith(_KO_QUESTION) or (len(word) >= 2 and word.endswith(_KO_GRAMMAR_ENDINGS)):
            scores["ko"] += 1.5
        else:
            scores["ko"] += 0.5     # a bare noun: Korean, but perhaps borrowed into another sentence
    return scores


def detect_language(text: str) -> str | None:
    """'ko', 'id', 'en', or None when the text gives no clear sign."""
    return language_of(language_scores(text), text)


def language_of(scores: dict[str, float], text: str) -> str | None:
    """The language `language_scores` votes for `text`, or None when they give no clear sign."""
    latin = max(("id", "en"), key=scores.__getitem__)
    if scores["ko"] > 0 and scores["ko"] >= scores[latin]:
        return "ko"
    other = min(scores["id"], scores["en"])
    if scores[latin] - other >= MARGIN or (other == 0 and scores[latin] > 0):
        return latin
    if scores["ko"] > 0 or (not any(scores.values()) and _ANY_HANGUL.search(text)):
        return "ko"      # Hangul with nothing else to go by: ㅋㅋㅋ is Korean laughter
    return None
