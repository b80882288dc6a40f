"""Which of Indonesian, Korean or English a question is written in.

Hangul settles it: code-mixed text with any Korean is Korean (the asker reads Korean). For Latin
text we count function words and chat forms that belong to one language only. When neither
language wins clearly we say so (None) and let the caller use other evidence: which language's
phrasings matched, then the user's chosen language.
"""

from __future__ import annotations

import re

from bot.normalize import fold, has_hangul

INDONESIAN = set("""
yang nya apa apakah siapa kapan dimana mana bagaimana gimana kenapa mengapa berapa brp kpn dmn gmn yg dgn tdk
di ke dari dan dengan ini itu ada adalah tidak gak ga nggak enggak bisa boleh akan sudah udah belum juga
untuk utk saja aja dong sih deh kok nih ya kak min pak bu saya aku kamu anda kami kita mereka dia
halo hai selamat pagi siang sore malam terima kasih makasih makasi mksh trims terimakasih sampai jumpa dadah tanya bertanya
luas berapa tanggal hari tahun bulan acara siapakah dimanakah kapankah penandatanganan ditandatangani
tandatangan kerja sama kerjasama tujuan apaan info tentang soal mau ingin tahu tau jelaskan dijelaskan
gubernur wakil provinsi kawasan industri saksi disaksikan investasi lahan fase klaster siap beroperasi
bidang pengetahuan ilmu teknologi kesetaraan menguntungkan saling perusahaan pemerintah sumber informasi
dapat punya milik bagian seperti lagi masih atau tapi tetapi jadi oleh pada dalam atas bawah
""".split())

ENGLISH = set("""
the a an what whats who whos when where wheres why how which whose is are was were be been does do did
can could would will should of in on at to for from with by about and or but this that these those it its
there here i me my you your we our they their he she his her please tell explain know hi hello hey
thanks thank thx ty see bye goodbye morning evening signed signing sign witnessed witness big size area large
much many anything something name called mean stand purpose goal scope cover include industries industry
ready operate operational when year date day venue place held governor vice province sister
investment invest government support tenants tenant cluster phase help ask source info information
""".split())

# Words both lists claim or that are names, not language: they prove nothing.
SHARED = {"mou", "kitb", "ok", "oke", "seminar", "startup", "cluster", "industri", "info"}

_WORD = re.compile(r"[a-z]+")
MARGIN = 1.0


def language_scores(text: str) -> dict[str, float]:
    words = _WORD.findall(fold(text))
    scores = {"id": 0.0, "en": 0.0}
    for word in words:
        if word in SHARED:
            continue
        in_id, in_en = word in INDONESIAN, word in ENGLISH
        if in_id and not in_en:
            scores["id"] += 1
        elif in_en and not in_id:
            scores["en"] += 1
        elif not in_id and not in_en and len(word) > 4:
            # Indonesian morphology the word lists cannot enumerate.
            if word.endswith("nya") or word.startswith(("meng", "meny", "peng", "diper", "ber", "ter")) \
                    or word.endswith(("kan", "lah", "kah")):
                scores["id"] += 0.5
            elif word.endswith(("ing", "tion", "ed", "ly")):
                scores["en"] += 0.5
    return scores


def detect_language(text: str) -> str | None:
    """'ko', 'id', 'en', or None when the text gives no clear sign."""
    if has_hangul(text):
        return "ko"
    scores = language_scores(text)
    if scores["id"] - scores["en"] >= MARGIN:
        return "id"
    if scores["en"] - scores["id"] >= MARGIN:
        return "en"
    return None
