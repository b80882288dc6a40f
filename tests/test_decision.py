"""The calibrated decision rule (`bot.engine.decision`): the logistic fit, the cost-chosen
thresholds, and how the fitted rule follows the traffic and costs it is given."""

from __future__ import annotations

import numpy as np
import pytest

from bot.engine.answer import Engine
from bot.engine.decision import (
    DEFAULT_MAX_SAMPLES,
    DecisionRule,
    Traffic,
    _logistic,
    _thresholds,
    calibrate,
    sample_phrasings,
)
from bot.engine.evidence import FEATURES, Evidence
from bot.knowledge.loader import load_directory


def test_the_logistic_fit_recovers_the_weights_that_made_the_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    p = 1.0 / (1.0 + np.exp(-(2.0 * x[:, 0] - 1.0 * x[:, 1] + 0.5)))
    y = (rng.random(4000) < p).astype(float)
    beta = _logistic(x, y, np.ones(4000))
    assert beta == pytest.approx([2.0, -1.0, 0.5], abs=0.2)


class _Sample:
    def __init__(self, confidence: float, offered: bool = True):
        self.found = Evidence(confidence, 0.0, 0.0, 0.0, 0.0, 1.0)
        self.offered = offered


def _costs(positives: int, near: int, probability_right: float, probability_near: float, traffic: Traffic):
    samples = [_Sample(0.9) for _ in range(positives + near)]
    is_positive = np.array([True] * positives + [False] * near)
    right = np.array([1.0] * positives + [0.0] * near)
    probability = np.array([probability_right] * positives + [probability_near] * near)
    weight = np.ones(positives + near)
    return _thresholds(samples, is_positive, right, weight, probability, 0.5, traffic)


def test_the_thresholds_answer_what_is_probably_right_and_not_the_near_misses():
    alternatives_from, threshold = _costs(90, 10, 0.95, 0.4, Traffic())
    assert 0.4 < threshold <= 0.95 and alternatives_from <= threshold


def test_nothing_is_answered_when_every_answer_would_be_a_near_miss():
    alternatives_from, threshold = _costs(0, 50, 0.0, 0.9, Traffic())
    assert min(alternatives_from, threshold) > 0.9


def test_cheap_refusals_make_the_rule_answer_less():
    generous = _costs(60, 40, 0.8, 0.8, Traffic(refusal=0.9, tap=0.9))
    cautious = _costs(60, 40, 0.8, 0.8, Traffic(refusal=0.0, tap=0.0))
    assert min(cautious) > 0.8 >= min(generous)


def test_traffic_refuses_impossible_settings():
    with pytest.raises(ValueError):
        Traffic(near_miss_share=1.0)
    with pytest.raises(ValueError):
        Traffic(refusal=-0.1)
    assert Traffic().glance < Traffic().tap < Traffic().second_tap <= Traffic().refusal < Traffic().caught


def test_offers_lists_an_entry_within_the_margin_even_below_its_floor():
    n = len(FEATURES) + 1
    rule = DecisionRule((0.0,) * (n + 1), (0.0,) * n, (1.0,) * n, 0.8, 0.8, 0.5, 0.2)
    assert rule.offers(0.6, 0.45)          # too close to the best to tell apart
    assert rule.offers(0.9, 0.55)          # reaches the floor
    assert not rule.offers(0.9, 0.45)      # neither


def test_the_calibration_reports_out_of_fold_rates(engine):
    c = engine.calibration
    assert 0.0 < c.rule.threshold <= 1.0 and c.rule.alternatives_from <= c.rule.threshold
    shares = [c.answered_right, c.answered_wrong, c.clarified, c.refused]
    assert all(0.0 <= s <= 1.0 for s in shares) and sum(shares) == pytest.approx(1.0)
    assert c.answered_right > 0.5 and c.answered_wrong < 0.05
    assert set(engine.calibration.as_dict()["weights"]) == set(FEATURES) | {"guard_gap", "intercept"}


def test_a_larger_share_of_near_misses_makes_the_rule_stricter(engine):
    strict = calibrate(engine.index, engine.scope, engine.answerable, Traffic(near_miss_share=0.5))
    assert strict.near_miss_answered <= engine.calibration.near_miss_answered
    assert strict.answered_right <= engine.calibration.answered_right


def _sampled_texts(engine: Engine) -> set[tuple[str, str, str]]:
    index = engine.index
    found = set()
    for i in sample_phrasings(index, DEFAULT_MAX_SAMPLES, seed=0):
        phrasing = index.phrasings[i]
        entry = index.kb.entries[phrasing.entry_index]
        found.add((entry.id, phrasing.lang, entry.questions[phrasing.lang][phrasing.number]))
    return found


def test_adding_one_phrasing_changes_the_calibration_sample_by_that_phrasing_alone(kb_copy, engine, catalogs):
    """An administrator teaching one phrasing must not redraw the sample the whole rule is fitted on
    (with positions as the order, one new phrasing reshuffled every entry after it)."""
    path = kb_copy / "kitb.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count('en: ["How big is KITB?", ') == 1
    added = 'en: ["How big is KITB?", "how large is the kitb site", '
    path.write_text(text.replace('en: ["How big is KITB?", ', added), encoding="utf-8")
    edited = load_directory(kb_copy).kb
    assert edited is not None and len(edited.entries) == len(engine.kb.entries)
    before, after = _sampled_texts(engine), _sampled_texts(Engine(edited, catalogs))
    assert len(before) == len(after) == DEFAULT_MAX_SAMPLES
    assert len(before ^ after) <= 4, sorted(before ^ after)


def test_the_sample_spreads_over_every_entry_and_depends_on_the_seed(engine):
    index = engine.index
    first = sample_phrasings(index, DEFAULT_MAX_SAMPLES, seed=0)
    assert len(set(first)) == len(first) == DEFAULT_MAX_SAMPLES
    assert {index.phrasings[i].entry_index for i in first} == set(range(len(index.kb.entries)))
    assert set(sample_phrasings(index, DEFAULT_MAX_SAMPLES, seed=1)) != set(first)
    assert sample_phrasings(index, DEFAULT_MAX_SAMPLES, seed=0) == first
