"""Plain questions answered outright, near misses told what the report does not give, and two
kinds of chat noise, each in Indonesian, Korean and English (`bot.engine.answer`, `bot.text.kinds`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.engine.answer import Engine
from bot.engine.replies import MISSING
from tests.conftest import ROOT


@pytest.mark.parametrize("question, entry", [
    ("When was the MoU between KITB and Chungbuk Technopark signed?", "mou-date"),
    ("Kapan MoU antara KITB dan Chungbuk Technopark ditandatangani?", "mou-date"),
    ("KITB와 충북테크노파크 MoU 언제 체결했어요?", "mou-date"),
    ("When will phase 1 be operational?", "kitb-phase1-ready"),
    ("Kapan fase 1 KITB mulai beroperasi?", "kitb-phase1-ready"),
    ("1단계는 언제 가동되나요?", "kitb-phase1-ready"),
    ("name of the central java vice governor who was there", "taj-yasin"),
    ("siapa nama wakil gubernur jawa tengah yang hadir", "taj-yasin"),
    ("provinsi kembarannya jawa tengah di korea namanya apa", "sister-province"),
    ("what is central java's sister province in korea", "sister-province"),
])
def test_plain_questions_are_answered_outright(engine: Engine, question, entry):
    reply = engine.ask(question)
    assert (reply.kind, reply.entry_id) == ("answer", entry), reply


@pytest.mark.parametrize("question, lang, entry, missing", [
    ("LG invest brp triliun di KITB?", "id", "lg-energy", "amount"),
    ("how much money will LG invest in KITB", "en", "lg-energy", "quantity"),
    ("LG가 KITB에 얼마를 투자해요?", "ko", "lg-energy", "quantity"),
    ("what time was the mou signed", "en", "mou-date", "time"),
    ("jam berapa mou ditandatangani", "id", "mou-date", "time"),
    ("MoU 몇 시에 체결했어요?", "ko", "mou-date", "time"),
    ("no telp chungbuk technopark", None, "ctp-what", "phone"),
    ("what is the phone number of chungbuk technopark", "en", "ctp-what", "phone"),
    ("충북테크노파크 전화번호 알려줘", "ko", "ctp-what", "phone"),
    ("충북테크노파크 주소", "ko", "ctp-what", "address"),
    ("alamat chungbuk technopark", None, "ctp-what", "address"),
    ("list the tenants in kitb", "en", "kitb-tenants", "list"),
    ("KITB 입주 기업 목록", "ko", "kitb-tenants", "list"),
    ("KITB 입주기업 명단 보여줘", "ko", "kitb-tenants", "list"),
])
def test_a_detail_the_report_lacks_gets_what_it_does_say(engine: Engine, question, lang, entry, missing):
    reply = engine.ask(question)
    assert (reply.kind, reply.entry_id) == ("partial", entry), reply
    assert reply.missing[0] == missing
    said = engine.catalogs.gettext(reply.lang, MISSING[missing])
    answer = engine.answer_by_id(entry, reply.lang)
    assert answer is not None and reply.text == said + "\n\n" + answer.text
    if lang is not None:
        assert reply.lang == lang


@pytest.mark.parametrize("question", [
    "phone number of samsung", "nomor telepon samsung", "삼성전자 전화번호", "what time is it in london",
    "jam berapa sekarang di jakarta", "지금 몇 시예요?",
])
def test_a_detail_of_something_the_base_does_not_cover_is_no_partial_reply(engine: Engine, question):
    assert engine.ask(question).kind in ("fallback", "clarify")


@pytest.mark.parametrize("noisy, plain", [
    ("luas kitb brp xD", "luas kitb brp"),
    ("luas kitb brp :D", "luas kitb brp"),
    ("T_T luas kitb berapa sih", "luas kitb berapa sih"),
    ("how big is kitb :)", "how big is kitb"),
    ("how big is kitb -_- ", "how big is kitb"),
    ("^^ who signed the mou", "who signed the mou"),
    ("KITB 면적 얼마예요 ^^", "KITB 면적 얼마예요"),
    ("KITB 면적 얼마예요 T_T", "KITB 면적 얼마예요"),
    ("mou kapan diteken <3", "mou kapan diteken"),
    ("(^_^) kapan mou ditandatangani", "kapan mou ditandatangani"),
    ("o_O when was the mou signed", "when was the mou signed"),
    ("KITB 뭐하는 곳임?", "KITB 뭐하는 곳이에요?"),
    ("MoU 체결 장소 어디임", "MoU 체결 장소 어디예요"),
    ("김영환 누구임", "김영환 누구예요"),
])
def test_chat_noise_gets_the_same_reply_as_the_plain_question(engine: Engine, noisy, plain):
    noisy_reply, plain_reply = engine.ask(noisy), engine.ask(plain)
    assert (noisy_reply.kind, noisy_reply.entry_id, noisy_reply.lang) == \
        (plain_reply.kind, plain_reply.entry_id, plain_reply.lang)
    assert plain_reply.kind == "answer"


def test_an_emoticon_is_never_read_as_a_number(engine: Engine):
    reading = engine.read("luas kitb <3 :3 brp")
    assert not any(t.text.isdigit() for t in reading.terms)
    assert [t.text for t in engine.read("jam 10:30 ditandatangani?").terms if t.text.isdigit()] == ["10", "30"]


def test_ask_json_reports_a_partial_reply_and_the_entry_shown():
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "what time was the mou signed"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    reply = json.loads(out)
    assert reply["kind"] == "partial" and reply["entry"] == "mou-date" and reply["missing"] == ["time"]
