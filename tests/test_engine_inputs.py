"""The inputs the engine must handle: chat noise, code-mixing, attributes of the wrong party, and
candidates on every reply. Each noisy question must get exactly the reply of its clean form."""

from __future__ import annotations

import pytest

from bot.engine.answer import Engine, Reply


def same_reply(a: Reply, b: Reply) -> tuple:
    return (a.kind, a.lang, a.entry_id, a.text, [c.entry_id for c in a.choices]) == \
        (b.kind, b.lang, b.entry_id, b.text, [c.entry_id for c in b.choices])


@pytest.mark.parametrize("noisy, clean", [
    # compatibility jamo (laughter, tears), attached or separate
    ("kitb 면적 얼마야ㅋㅋ", "kitb 면적 얼마야"),
    ("kitb 면적 얼마야 ㅋㅋㅋ", "kitb 면적 얼마야"),
    ("kitb 면적 얼마야ㅎㅎ", "kitb 면적 얼마야"),
    ("kitb 면적 얼마야 ㅠㅠ", "kitb 면적 얼마야"),
    ("ㅜㅜ MoU 언제예요?", "MoU 언제예요?"),
    ("MoU 언제예요?ㅋㅋ", "MoU 언제예요?"),
    # laughter in letters, in every language
    ("berapa luas kitb wkwkwk", "berapa luas kitb"),
    ("wkwk berapa luas kitb", "berapa luas kitb"),
    ("berapa luas kitb hahaha", "berapa luas kitb"),
    ("berapa luas kitb hehehe", "berapa luas kitb"),
    ("how big is kitb lol", "how big is kitb"),
    ("how big is kitb hahaha", "how big is kitb"),
    ("kitb 면적 얼마야 하하하", "kitb 면적 얼마야"),
    # Korean vowel elongation
    ("MoU 언제예요오오?", "MoU 언제예요?"),
    ("MoU 언제예요오?", "MoU 언제예요?"),
    ("KITB 면적은 얼마인가요오오?", "KITB 면적은 얼마인가요?"),
    # invisible format characters inside a word
    ("lu\u200bas kitb brp", "luas kitb brp"),
    ("lu\u200cas kitb brp", "luas kitb brp"),
    ("how b\u200big is kitb", "how big is kitb"),
    ("KITB 면\u200b적은 얼마인가요?", "KITB 면적은 얼마인가요?"),
    ("\ufeffluas kitb brp", "luas kitb brp"),
    # Turkish dotted and dotless i, accents on short words
    ("KİTB luasnya berapa", "KITB luasnya berapa"),
    ("kıtb luasnya berapa", "KITB luasnya berapa"),
    ("luás kitb brp", "luas kitb brp"),
    ("hów big is kitb", "how big is kitb"),
    # emoji
    ("berapa luas kitb 🙏🙏", "berapa luas kitb"),
    ("KITB 면적은 얼마인가요? 😊", "KITB 면적은 얼마인가요?"),
])
def test_chat_noise_does_not_change_the_reply(engine: Engine, noisy, clean):
    assert same_reply(engine.ask(noisy), engine.ask(clean)), (engine.ask(noisy), engine.ask(clean))


@pytest.mark.parametrize("chatty, clean", [
    ("Halo min, saya mau tanya soal kawasan industri yang di Batang itu… sebenarnya berapa luas kawasan "
     "KITB itu?", "sebenarnya berapa luas kawasan KITB itu?"),
    ("Hi there! I have a question about the industrial estate in Batang. How big is KITB?", "How big is KITB?"),
    ("안녕하세요! 바탕 산업단지에 대해 궁금한 게 있어요. KITB 면적은 얼마인가요?", "KITB 면적은 얼마인가요?"),
    # without a question mark, small talk around the question still loses to it
    ("hello! tell me about the kitb chungbuk mou", "tell me about the kitb chungbuk mou"),
    ("halo kak! luas kitb berapa", "luas kitb berapa"),
    ("안녕하세요! KITB 면적 알려줘", "KITB 면적 알려줘"),
    ("what is kitb. thanks!", "what is kitb"),
    ("makasih. kapan mou ditandatangani", "kapan mou ditandatangani"),
])
def test_a_greeting_before_the_question_does_not_change_the_reply(engine, chatty, clean):
    assert same_reply(engine.ask(chatty), engine.ask(clean)), (engine.ask(chatty), engine.ask(clean))


def test_the_chat_shorthand_of_the_base_still_works(engine):
    """ㅎㅇ (hi) and ㄳ (thanks) are words, not noise."""
    assert engine.ask("ㅎㅇ").entry_id == "greeting"
    assert engine.ask("ㄳ").entry_id == "thanks"
    assert engine.ask("ㅋㅋㅋ").kind == "fallback"


@pytest.mark.parametrize("question, lang", [
    ("berapa jumlah tenant kitb", "id"),          # an Indonesian sentence with an English noun
    ("total area kitb brp ha", "id"),
    ("kapan MoU signing-nya", "id"),
    ("how many tenant di kitb", "en"),            # an English sentence with Indonesian words
    ("where is kawasan industri batang", "en"),
    ("what is 면적 of kitb", "en"),                # an English sentence with a Korean noun
    ("KITB total area 얼마예요", "ko"),             # a Korean sentence with English nouns
    ("MoU signing 장소가 어디예요?", "ko"),
    ("investasi", "id"),
    ("see ya later", "en"),                       # English chat: 'ya' is no Indonesian sign here
    ("ok makasih ya", "id"),
])
def test_the_reply_language_follows_the_sentence_not_its_borrowed_words(engine, question, lang):
    assert engine.ask(question).lang == lang


@pytest.mark.parametrize("question, wrong", [
    ("size of chungbuk technopark", {"mou-purpose", "kitb-area"}),
    ("luas chungbuk technopark", {"mou-purpose", "kitb-area"}),
    ("충북테크노파크 면적", {"mou-purpose", "kitb-area"}),
    ("berapa luas chungbuk technopark?", {"mou-purpose", "kitb-area"}),
    ("how big is central java", {"kitb-area"}),
    ("중부자바 면적은 얼마예요?", {"kitb-area"}),
    ("when was chungbuk technopark founded", {"mou-date"}),
    ("kapan chungbuk technopark didirikan", {"mou-date"}),
    ("MoU 2024년에 체결했어요?", {"kitb-phase1-ready", "mou-date"}),
    ("apakah mou ditandatangani tahun 2024", {"kitb-phase1-ready", "mou-date"}),
])
def test_an_attribute_of_one_party_is_not_answered_with_another_partys(engine, question, wrong):
    reply = engine.ask(question)
    assert not (reply.kind == "answer" and reply.entry_id in wrong), reply


@pytest.mark.parametrize("question", [
    "when is the next seminar under the mou", "kapan seminar MoU berikutnya diadakan?", "MoU 다음 세미나는 언제예요?",
    "where will the mou seminars be held", "seminar MoU diadakan di mana?", "MoU 세미나는 어디서 열려요?",
])
def test_a_kind_of_question_the_entry_is_never_asked_is_not_answered_with_it(engine, question):
    """The seminars entry says what the seminars cover, never when or where they are held."""
    reply = engine.ask(question)
    assert not (reply.kind == "answer" and reply.entry_id == "mou-seminars"), reply


@pytest.mark.parametrize("question, lang", [
    ("what did the chungbuk governor say about samsung", "en"),
    ("gubernur chungbuk ngomong apa soal Samsung", "id"),
    ("충북 지사가 삼성에 대해 뭐라고 했어요?", "ko"),
])
def test_an_unknown_word_is_never_guessed_as_a_word_the_question_already_has(engine, question, lang):
    """'samsung' is one edit from no word of the base but the question's own 'say' (@say): read as a
    second 'say' it would vanish, and the question would look like the governor's statement."""
    terms = engine.index.terms(question, lang)
    known = [t.token_id for t in terms if t.token_id is not None]
    assert len(known) == len(set(known)), terms
    assert any(t.token_id is None for t in terms), terms


@pytest.mark.parametrize("question", ["berapa luas chungbuk technopark?", "how big is chungbuk technopark",
                                      "충북테크노파크 면적은 얼마예요?"])
def test_naming_a_party_the_entry_never_mentions_is_never_answered_with_it(engine, question):
    """The rule itself, on an entry that ranks first: KITB's area asked of another party is not
    answered with KITB's area; at most "did you mean", or what the report says of that party."""
    reply = engine.ask(question)
    assert reply.candidates[0].entry_id == "kitb-area"
    assert reply.kind in ("clarify", "partial") and reply.entry_id != "kitb-area", reply
    if reply.kind == "partial":
        assert "Chungbuk Technopark" in reply.text or "충북테크노파크" in reply.text


@pytest.mark.parametrize("question, kind", [
    ("Berapa luas KITB?", "answer"),
    ("investasi", "clarify"),
    ("what is the weather in london", "fallback"),
])
def test_every_reply_carries_its_top_three_candidates(engine, question, kind):
    reply = engine.ask(question)
    assert reply.kind == kind
    assert 1 <= len(reply.candidates) <= 3
    assert all(c.entry_id in engine.kb.by_id and 0.0 <= c.score <= 1.0 for c in reply.candidates)
    assert [c.score for c in reply.candidates] == sorted((c.score for c in reply.candidates), reverse=True) \
        or kind != "answer"


def test_an_unknown_word_lowers_the_score_without_vetoing_the_match(engine):
    with_unknown = engine.ask("how big is kitb london")
    assert with_unknown.candidates[0].entry_id == "kitb-area"
    assert 0.3 < with_unknown.candidates[0].score < engine.ask("how big is kitb").candidates[0].score


def test_an_exact_phrasing_of_one_entry_is_answered(engine):
    for entry in engine.kb.entries:
        for lang, phrasings in entry.questions.items():
            reply = engine.ask(phrasings[0])
            assert reply.candidates[0].entry_id == entry.id or reply.kind != "answer", (entry.id, phrasings[0])


def test_a_repeated_question_is_ranked_once_and_answered_alike(engine):
    question = "kapan mou ditandatangani ya kak"
    first = engine.ask(question)
    ranked = engine._recent[(question, None, None)]
    second = engine.ask(question)
    assert engine._recent[(question, None, None)] is ranked
    assert second == first
    assert engine.ask(question, lang="en").lang == "en"      # a forced language is another question


@pytest.mark.parametrize("question, lang", [
    ("luas kitb", "id"),          # no grammar word: the spelling of the synonym decides
    ("area kitb", "en"),
    ("ㅋㅋㅋㅋ", "ko"),             # laughter alone still shows its language
    ("wkwkwk", "id"),
])
def test_questions_with_no_grammar_word_still_get_their_language(engine, question, lang):
    assert engine.ask(question, preferred="ko" if lang != "ko" else "en").lang == lang


@pytest.mark.parametrize("typo, clean", [
    # four-letter misspellings, the question words people type fastest
    ("whem was the mou signed", "when was the mou signed"),
    ("wehn was the mou signed", "when was the mou signed"),
    ("whta is kitb", "what is kitb"),
    ("luaz kitb brp", "luas kitb brp"),
    ("kapna mou ditandatangani", "kapan mou ditandatangani"),
    ("언재 체결했어요?", "언제 체결했어요?"),
])
def test_a_misspelt_word_gets_the_reply_of_its_clean_form(engine, typo, clean):
    assert same_reply(engine.ask(typo), engine.ask(clean)), (engine.ask(typo), engine.ask(clean))


@pytest.mark.parametrize("question, lang, word", [
    ("kapal dari korea datang ke kitb", "id", "kapal"),       # ship, one edit from kapan (when)
    ("is there an arena at kitb", "en", "arena"),             # one edit from area
    ("apakah kitb punya kapas", "id", "kapas"),               # cotton, one edit from kapan
    ("apakah kitb aman", "id", "aman"),                       # safe, four letters, one edit from akan
    ("is kitb far apart from semarang", "en", "apart"),       # one edit from part
])
def test_a_common_word_is_never_corrected_into_a_word_of_the_base(engine, question, lang, word):
    """Spelling correction knows the base's words only; a real word of the language near one of
    them is not its misspelling. 'kapal' read as 'kapan' would make the question ask 'when'."""
    terms = {t.text: t for t in engine.index.terms(question, lang)}
    term = terms[word]
    assert term.token_id is None or engine.index.words[term.token_id] == word, term
    if word.startswith("kapa"):
        assert "when" not in engine.scope.question_kinds(engine.index.terms(question, lang))


@pytest.mark.parametrize("possessive, plain, lang", [
    ("ctp's goal", "ctp goal", "en"),                 # a three-letter name has no inflected spellings
    ("CTP\u2019s goal", "ctp goal", "en"),            # the typographic apostrophe of phone keyboards
    ("gbc's area", "gbc area", "en"),
    ("what's ctp's way of working", "what is ctp way of working", "en"),
    ("tujuan ctp-nya apa", "tujuan ctp apa", "id"),  # the same possessive in Indonesian and Korean
    ("충북TP의 목표는 뭐예요?", "충북TP 목표는 뭐예요?", "ko"),
])
def test_a_possessive_keeps_the_name_it_follows(engine, possessive, plain, lang):
    names = [t.token_id for t in engine.index.terms(possessive, lang)
             if t.token_id is not None and engine.index.words[t.token_id][1:] in engine.kb.names]
    assert names, engine.index.terms(possessive, lang)
    assert same_reply(engine.ask(possessive), engine.ask(plain)), (engine.ask(possessive), engine.ask(plain))


@pytest.mark.parametrize("opener, lang", [
    ("mau tanya", "id"), ("min mau nanya", "id"), ("i have a question", "en"), ("질문이 있어요", "ko"),
])
def test_an_opener_alone_is_the_question_what_can_i_ask(engine, opener, lang):
    """'mau tanya, luas kitb berapa?' drops its opener; 'mau tanya' alone is all there is."""
    reply = engine.ask(opener)
    assert reply.kind != "fallback" and reply.candidates[0].entry_id == "bot-help", reply
    assert reply.lang == lang


@pytest.mark.parametrize("token, lang", [
    ("mksd", "id"),     # a skeleton without vowels is an abbreviation (maksud), not a typo of makasih
    ("smpe", "id"),     # two edits from the group spelling 'smes': shares a delete, still no typo
    ("spai", "id"),
])
def test_a_guess_is_one_edit_from_a_spelling_of_its_name_or_group(engine, token, lang):
    assert engine.index.spelling.correct(token, lang) is None


@pytest.mark.parametrize("question, entry", [
    ("충북테크노파크는 바이오 산업 육성해요?", "goodbye"),   # 바이 (bye) inside 바이오 (bio)
    ("KITB 바이어 누구임", "goodbye"),                      # ... and inside 바이어 (buyer)
    ("makasih bos", "ngurah-wirawan"),                      # bos is how chat addresses anyone
    ("investasi lg sebesar berapa", "kitb-area"),           # sebesar introduces an amount, not an area
    ("sma di batang", "lg-energy"),                         # SMA is a high school, not 'sama'
])
def test_chat_words_do_not_pull_toward_an_unrelated_entry(engine, question, entry):
    reply = engine.ask(question)
    assert entry != reply.entry_id and entry not in [c.entry_id for c in reply.choices[:1]], reply


def test_bye_in_korean_chat_is_still_a_goodbye(engine):
    assert engine.ask("바이~").entry_id == "goodbye"
