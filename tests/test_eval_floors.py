"""The evaluation sets hold the engine to its floors: tests/eval/questions.yaml, and
tests/eval/independent.yaml, written from the article alone by a writer who never saw the base."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from bot.cli.evaluate import evaluate, format_report, read_cases

EVAL_FILE = Path(__file__).parent / "eval" / "questions.yaml"
INDEPENDENT_FILE = Path(__file__).parent / "eval" / "independent.yaml"


@pytest.fixture(scope="module")
def report(engine):
    return evaluate(engine, read_cases(EVAL_FILE))


@pytest.fixture(scope="module")
def independent(engine):
    return evaluate(engine, read_cases(INDEPENDENT_FILE))


@pytest.mark.parametrize("path", [EVAL_FILE, INDEPENDENT_FILE], ids=["questions", "independent"])
def test_the_evaluation_set_is_big_and_varied_enough(bundled_kb, path):
    cases = read_cases(path)
    assert len(cases) >= 200
    assert sum(case.expect is None for case in cases) >= 40
    for lang in ("id", "ko", "en"):
        assert sum(case.lang == lang and case.expect is not None for case in cases) >= 50
    assert {case.expect for case in cases if case.expect} <= set(bundled_kb.by_id)
    # A textual copy (case, width and punctuation aside); the engine's chat-noise folding would also
    # merge chat shorthand such as ㄱㅅ and ㄳ, which are different texts.
    def same_text(text: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())
    phrasings = {same_text(q) for entry in bundled_kb.entries for qs in entry.questions.values() for q in qs}
    copied = [case.question for case in cases if same_text(case.question) in phrasings]
    if path == INDEPENDENT_FILE:
        # Its writer never saw the base, so a common question ("how big is kitb") may coincide with a
        # phrasing by chance; coincidences stay a small share.
        assert len(copied) <= 0.12 * len(cases), copied
    else:
        assert copied == [], "evaluation questions must not be copied from the knowledge base"


# The set is out of sample: no constant of the engine was fitted to it (the decision rule is
# calibrated on the knowledge base alone, at load time). What it must hold:
@pytest.mark.parametrize("lang", ["id", "ko", "en"])
def test_the_right_answer_is_given_or_offered_per_language(report, lang):
    """Answered right, or offered in a "did you mean" (one tap away)."""
    assert report.reach(lang) >= 0.95, format_report(report)


@pytest.mark.parametrize("lang", ["id", "ko", "en"])
def test_most_answerable_questions_are_answered_outright(report, lang):
    """A regression guard, not a target: the calibrated rule answers outright about three quarters
    to four fifths of this set and asks "did you mean" for most of the rest (see the README)."""
    assert report.accuracy(lang) >= 0.90, format_report(report)


def test_wrong_answers_stay_within_the_calibration_target(report):
    assert report.wrong_rate <= 0.03, format_report(report)


def test_offtopic_refusal_floor(report):
    assert report.offtopic_refusal_rate >= 0.95, format_report(report)


def test_language_detection_floor(report):
    assert report.language_accuracy >= 0.98, format_report(report)


# The independent set is harder (its writer never saw a phrasing): regression guards below what it
# measures now (see the README), not targets.
@pytest.mark.parametrize("lang", ["id", "ko", "en"])
def test_the_independent_set_gets_its_answer_given_or_offered(independent, lang):
    assert independent.reach(lang) >= 0.88, format_report(independent)
    assert independent.accuracy(lang) >= 0.80, format_report(independent)


def test_the_independent_set_is_rarely_answered_wrongly(independent):
    # Answering far more outright (about 85% instead of 70%) costs wrong answers: 10 of 300, 3.3%.
    assert independent.wrong_rate <= 0.04, format_report(independent)
    assert independent.offtopic_refusal_rate >= 0.93, format_report(independent)
    assert independent.language_accuracy >= 0.98, format_report(independent)
