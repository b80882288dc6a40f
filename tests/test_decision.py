"""The calibrated decision rule: thresholds, per-entry guards and the phrasing door (`bot.engine.decision`)."""

from __future__ import annotations

from bot.engine.decision import DecisionRule
from bot.engine.retrieval import LeaveOut

RULE = DecisionRule(answer_score=0.9, answer_margin=0.3, clarify_score=0.5, guards={0: 0.99}, phrasing_f1=0.9)


def test_a_question_nearly_one_phrasing_of_the_best_entry_is_answered_whatever_its_scores():
    assert RULE.kind(0.6, 0.05, True, 0) == "clarify"               # guarded, low score, small margin
    assert RULE.kind(0.6, 0.05, True, 0, f1=0.95, other_f1=0.5) == "answer"


def test_the_phrasing_door_stays_shut_when_another_entry_is_as_near_or_the_question_is_out_of_scope():
    assert RULE.kind(0.6, 0.05, True, 0, f1=0.95, other_f1=0.92) == "clarify"
    assert RULE.kind(0.6, 0.05, False, 0, f1=1.0, other_f1=0.0) == "clarify"
    assert RULE.kind(0.6, 0.05, True, 0, f1=0.9, other_f1=0.0) == "clarify"     # strictly above
    assert RULE.kind(0.3, 0.05, True, 0, f1=0.5, other_f1=0.0) == "fallback"


def test_without_any_near_miss_the_door_never_opens():
    rule = DecisionRule(answer_score=1.01, answer_margin=1.01, clarify_score=0.0)
    assert rule.kind(1.0, 1.0, True, 0, f1=1.0, other_f1=0.0) == "clarify"


def test_near_misses_of_every_phrasing_rarely_pass_the_door(engine):
    """The door is set from a sample of the base's near misses (600 phrasings, each asked without
    its whole entry). Asked for every phrasing of the bundled base (1,100 more it never saw), at
    most the target rate of near misses goes through it."""
    index, rule = engine.index, engine.rule
    assert 0.0 < rule.phrasing_f1 <= 1.0
    asked = through = 0
    for phrasing in index.phrasings:
        text = index.kb.entries[phrasing.entry_index].questions[phrasing.lang][phrasing.number]
        terms = index.terms(text, phrasing.lang)
        leave_out = LeaveOut(phrasing.entry_index, whole_entry=True)
        ranked = index.rank(terms, 3, leave_out)
        if not ranked:
            continue
        asked += 1
        other = max((c.f1 for c in ranked[1:3]), default=0.0)
        through += engine.answerable(ranked[0], terms, leave_out) and ranked[0].f1 > rule.phrasing_f1 >= other
    assert asked > 1500
    assert through <= engine.calibration.target_wrong_rate * asked


def test_kb_check_reports_the_door(engine):
    assert engine.calibration.as_dict()["phrasing_f1"] == round(engine.rule.phrasing_f1, 4)
