"""Answer, "did you mean" or "I don't know": a rule calibrated on each knowledge base when it loads.

No labelled question is needed. The base questions itself (`calibrate`):

- positives: each sampled phrasing is asked against the base without it and without its
  translations (the phrasings at the same position in the entry's other languages). The entry
  should still win; when it does not, answering would have been wrong.
- near misses: the same phrasing asked against the base without its whole entry. Whatever comes
  out on top is about something else, in the same domain: any answer would be wrong.

From these the rule picks the lowest thresholds (score of the best entry, margin over the best
other entry) whose wrong answers stay within a target rate on both kinds of sample, which answers
the most positives. Two refinements, each cross-fitted on halves of the samples: an entry that near
misses land on must score above them (a guard), and a question nearly identical to one phrasing of
the best entry (word F1 above any near miss's) is answered whatever its scores, when that door
gives more right answers within the target. The "did you mean" floor is set so that a chosen
share of near misses at most is offered choices; everything below it gets the honest fallback.

What the figures promise: the rates are measured on the base's own phrasings, so real questions
(typos, slang, unseen wordings) score lower and are refused or clarified more often; wrong answers
stay near the target as long as near misses look like the base's own (which is what the leave-out
simulates).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import numpy as np

from bot.engine.retrieval import Candidate, Index, LeaveOut, QueryTerm
from bot.memory import gc_paused

DEFAULT_TARGET_WRONG_RATE = 0.03   # at most 3 wrong answers in 100 answerable questions, and in 100 near misses
DEFAULT_NEAR_MISS_CLARIFY = 0.5    # at most half of the near misses are offered "did you mean"
DEFAULT_MAX_SAMPLES = 600          # phrasings asked at load time (each asked twice)


@dataclass(frozen=True)
class DecisionRule:
    """Fitted thresholds on `Candidate.score` (all in 0..1)."""
    answer_score: float        # answer when the best entry scores at least this ...
    answer_margin: float       # ... leads the best other entry by at least this ...
    clarify_score: float       # below this, the fallback; between, "did you mean" with the best
                               # three entries that reach it or are within the margin (`offers`)
    guards: Mapping[int, float] = field(default_factory=dict)
    # ... and scores above the near misses that landed on that entry (entry index → score): an
    # entry that questions about missing facts fall on must be more certain to answer
    guard_quantile: float = 1.0   # which of those near misses' scores makes the guard (1.0: the best)
    phrasing_f1: float = 1.01     # ... or answer, whatever the scores, when the question's word F1
    # with one phrasing of the best entry exceeds this and no other entry's does: the question is
    # nearly that phrasing, closer than any near miss came (above 1: never)

    def kind(self, best: float, margin: float, answerable: bool = True, entry: int | None = None,
             f1: float = 0.0, other_f1: float = 0.0) -> str:
        """'answer', 'clarify' or 'fallback' for a best entry (`entry`, its index) scoring `best`
        with `margin` over the next; `f1` is the F1 of its closest phrasing, `other_f1` the best
        F1 of the other entries ranked. `answerable` False (the question asks what the entry does
        not hold, `bot.engine.scope`) caps the reply at "did you mean"."""
        if answerable and f1 > self.phrasing_f1 and other_f1 <= self.phrasing_f1:
            return "answer"
        if (answerable and best >= self.answer_score and margin >= self.answer_margin
                and (entry is None or best > self.guards.get(entry, -1.0))):
            return "answer"
        return "clarify" if best >= self.clarify_score else "fallback"

    def offers(self, best: float, other: float) -> bool:
        """Whether "did you mean" lists an entry of confidence `other` beside the best one (`best`):
        when it reaches the "did you mean" floor, or when it is within the answer margin of the
        best, so close that the rule could not choose between them."""
        return other >= self.clarify_score or best - other < self.answer_margin


@dataclass(frozen=True)
class Calibration:
    """What was fitted and what the leave-out samples predict for it (shares in 0..1)."""
    rule: DecisionRule
    target_wrong_rate: float
    positives: int
    near_misses: int
    answered_right: float          # of positives
    answered_wrong: float          # of positives
    clarified: float               # of positives: "did you mean"
    clarified_with_right: float    # of positives: "did you mean" whose choices include the entry
    refused: float                 # of positives
    near_miss_answered: float      # of near misses
    near_miss_clarified: float     # of near misses
    seconds: float

    def as_dict(self) -> dict[str, float | int]:
        rule = self.rule
        return {
            "answer_score": round(rule.answer_score, 4), "answer_margin": round(rule.answer_margin, 4),
            "clarify_score": round(rule.clarify_score, 4), "guard_quantile": rule.guard_quantile,
            "phrasing_f1": round(rule.phrasing_f1, 4),
            "target_wrong_rate": self.target_wrong_rate, "positives": self.positives,
            "near_misses": self.near_misses, "expected_answered_right": round(self.answered_right, 4),
            "expected_answered_wrong": round(self.answered_wrong, 4), "expected_clarified": round(self.clarified, 4),
            "expected_refused": round(self.refused, 4),
            "expected_near_miss_answered": round(self.near_miss_answered, 4),
            "expected_near_miss_clarified": round(self.near_miss_clarified, 4),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class _Sample:
    winner: int                        # the best entry's index
    best: float
    margin: float
    answerable: bool
    fold: int                          # cross-fitting half (by the asked entry)
    right_first: bool = False
    right_confidence: float | None = None   # the right entry's confidence, when it is 2nd or 3rd
    f1: float = 0.0                    # the best entry's closest phrasing's word F1
    other_f1: float = 0.0              # the best such F1 of the other entries ranked


Answerable = Callable[[Candidate, Sequence[QueryTerm], LeaveOut], bool]   # see Engine.answerable


def calibrate(index: Index, answerable: Answerable, target_wrong_rate: float = DEFAULT_TARGET_WRONG_RATE,
              near_miss_clarify: float = DEFAULT_NEAR_MISS_CLARIFY, max_samples: int = DEFAULT_MAX_SAMPLES,
              seed: int = 0) -> Calibration:
    """Fit a DecisionRule for `index` from its own phrasings (see the module docstring).

    `answerable(best, terms, leave_out)` is the engine's own check that a candidate may be answered
    at all, judged without the left-out phrasings. Deterministic for a given base and seed.
    Raises ValueError for a target outside (0, 1)."""
    if not 0.0 < target_wrong_rate < 1.0 or not 0.0 <= near_miss_clarify <= 1.0:
        raise ValueError("target_wrong_rate must be in (0, 1) and near_miss_clarify in [0, 1]")
    with gc_paused():
        return _calibrate(index, answerable, target_wrong_rate, near_miss_clarify, max_samples, seed)


def _calibrate(index: Index, answerable: Answerable, target_wrong_rate: float, near_miss_clarify: float,
               max_samples: int, seed: int) -> Calibration:
    started = time.perf_counter()
    positives: list[_Sample] = []
    negatives: list[_Sample] = []
    for phrasing_index in _sample_phrasings(index, max_samples, seed):
        phrasing = index.phrasings[phrasing_index]
        entry = phrasing.entry_index
        text = index.kb.entries[entry].questions[phrasing.lang][phrasing.number]
        terms = index.terms(text, phrasing.lang)
        dropped = index.translations(phrasing_index)
        fold = phrasing_index % 2
        if len(dropped) < len(index.entry_phrasings[entry]):
            leave_out = LeaveOut(entry, dropped)
            ranked = index.rank(terms, 3, leave_out)
            if ranked:
                positives.append(_positive(ranked, entry, terms, answerable, fold, leave_out))
        leave_out = LeaveOut(entry, whole_entry=True)
        ranked = index.rank(terms, 3, leave_out)
        negatives.append(_sample(ranked, terms, answerable, fold, leave_out) if ranked
                         else _Sample(-1, 0.0, 0.0, False, fold))
    rule = _fit(positives, negatives, target_wrong_rate, near_miss_clarify)
    return _report(rule, positives, negatives, target_wrong_rate, time.perf_counter() - started)


def _sample_phrasings(index: Index, max_samples: int, seed: int) -> list[int]:
    """Up to `max_samples` phrasings spread evenly over the entries (round robin, shuffled)."""
    rng = random.Random(seed)
    pools = [p for p in index.entry_phrasings if p]
    if len(pools) > max_samples:
        pools = rng.sample(pools, max_samples)
    pools = [list(p) for p in pools]
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    chosen: list[int] = []
    depth = 0
    while len(chosen) < max_samples and any(depth < len(pool) for pool in pools):
        for pool in pools:
            if depth < len(pool):
                chosen.append(pool[depth])
                if len(chosen) == max_samples:
                    break
        depth += 1
    return chosen


def confidence(ranked: Sequence[Candidate]) -> tuple[float, float]:
    """(confidence of the best-ranked entry, its margin over the most confident other one)."""
    best = ranked[0].confidence
    return best, best - max((c.confidence for c in ranked[1:]), default=0.0)


def _sample(ranked: list[Candidate], terms: Sequence[QueryTerm], answerable: Answerable, fold: int,
            leave_out: LeaveOut) -> _Sample:
    best, margin = confidence(ranked)
    return _Sample(ranked[0].entry_index, best, margin, answerable(ranked[0], terms, leave_out), fold,
                   f1=ranked[0].f1, other_f1=max((c.f1 for c in ranked[1:]), default=0.0))


def _positive(ranked: list[Candidate], entry: int, terms: Sequence[QueryTerm], answerable: Answerable,
              fold: int, leave_out: LeaveOut) -> _Sample:
    right = next((c for c in ranked if c.entry_index == entry), None)
    other = None if right is None or right is ranked[0] else right.confidence
    return replace(_sample(ranked, terms, answerable, fold, leave_out), right_first=right is ranked[0],
                   right_confidence=other)


GUARD_QUANTILES = (0.5, 0.75, 0.9, 1.0)


def _guards(negatives: Sequence[_Sample], quantile: float = 1.0) -> dict[int, float]:
    """Entry index → that quantile of the scores of near misses that landed on it (and could be
    answered): 1.0 is the best of them."""
    landed: dict[int, list[float]] = {}
    for s in negatives:
        if s.answerable and s.winner >= 0:
            landed.setdefault(s.winner, []).append(s.best)
    return {entry: float(np.quantile(scores, quantile)) for entry, scores in landed.items()}


def _phrasing_f1(positives: Sequence[_Sample], negatives: Sequence[_Sample]) -> float:
    """The F1 above which a question is nearer a phrasing than any near miss (or any positive that
    ranked a wrong entry first) came to the entry it landed on; above 1 (never) without any."""
    seen = [s.f1 for s in negatives if s.answerable and s.winner >= 0]
    seen += [s.f1 for s in positives if s.answerable and not s.right_first]
    return max(seen) if seen else 1.01


def _doors(positives: Sequence[_Sample], negatives: Sequence[_Sample]) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, whether the phrasing-F1 door answers it, each half judged with the other half's
    door (cross-fitting)."""
    door = [_phrasing_f1([s for s in positives if s.fold != f], [s for s in negatives if s.fold != f])
            for f in (0, 1)]

    def opened(samples: Sequence[_Sample]) -> np.ndarray:
        return np.array([s.answerable and s.f1 > door[s.fold] and s.other_f1 <= door[s.fold] for s in samples],
                        dtype=bool)
    return opened(positives), opened(negatives)


def _fit(positives: list[_Sample], negatives: list[_Sample], target: float, near_miss_clarify: float) -> DecisionRule:
    """Choose (answer_score, answer_margin, guard quantile, phrasing door or none): the most right
    answers whose wrong answers stay within `target` on both kinds of sample. Guards and the door
    are cross-fitted: each half of the samples is judged with those learnt from the other half, so
    the chosen thresholds do not trust them on the very near misses that set them."""
    p = _Arrays(positives)
    n = _Arrays(negatives)
    all_best = np.concatenate((p.best, n.best))
    scores = np.unique(np.quantile(all_best, np.linspace(0.0, 1.0, 201))) if len(all_best) else np.array([1.0])
    all_margin = np.concatenate((p.margin, n.margin))
    # No samples at all (no phrasing has a word the index keeps, e.g. only emoji): margin 0 only.
    margins = np.unique(np.concatenate(([0.0], np.quantile(all_margin, np.linspace(0.0, 0.95, 40)))
                                       if len(all_margin) else ([0.0],)))
    opened = _doors(positives, negatives)
    shut = (np.zeros(len(positives), dtype=bool), np.zeros(len(negatives), dtype=bool))
    guards = []       # per guard quantile, each sample's guard learnt from the other half
    for quantile in GUARD_QUANTILES:
        folds = [_guards([s for s in negatives if s.fold != f], quantile) for f in (0, 1)]
        guards.append((quantile, np.array([folds[s.fold].get(s.winner, -1.0) for s in positives]),
                       np.array([folds[s.fold].get(s.winner, -1.0) for s in negatives])))
    # (right, margin, score, guard quantile, door): with the phrasing door and without, since on a
    # small base the door's cross-fitted near misses can cost more answers than it gives.
    feasible: list[tuple[int, float, float, float, bool]] = []
    for door, (p_door, n_door) in ((False, shut), (True, opened)):
        feasible += _grid(p, n, scores, margins, guards, p_door, n_door, target, door)
    # The most right answers; among equals, the first found (no door, the smallest guard quantile, then margin).
    best_rule = (1.01, 1.01, 1.0, False)
    if feasible:
        _right, margin, score, quantile, door = max(feasible, key=lambda r: r[0])
        best_rule = (score, margin, quantile, door)
    answer_score, answer_margin, quantile, door = best_rule
    if len(n.best):
        clarify = float(np.quantile(n.best, 1.0 - near_miss_clarify)) if near_miss_clarify < 1 else 0.0
    else:
        clarify = float(np.quantile(p.best, 0.01)) if len(p.best) else 0.0
    clarify = min(clarify, answer_score)
    return DecisionRule(answer_score, answer_margin, clarify, MappingProxyType(_guards(negatives, quantile)), quantile,
                        _phrasing_f1(positives, negatives) if door else 1.01)


def _grid(p: _Arrays, n: _Arrays, scores: np.ndarray, margins: np.ndarray,
          guards: Sequence[tuple[float, np.ndarray, np.ndarray]], p_door: np.ndarray, n_door: np.ndarray,
          target: float, door: bool) -> list[tuple[int, float, float, float, bool]]:
    """For each guard quantile and margin, the score (from strict to lenient, before the first one
    whose wrong answers exceed `target` on either kind of sample) that answers the most positives
    right; the strictest of equals. Samples the door answers count at every score."""
    descending = scores[::-1]
    most_wrong, most_near = target * max(len(p.best), 1), target * max(len(n.best), 1)
    door_wrong = np.count_nonzero(p_door & ~p.right)
    door_right = np.count_nonzero(p_door & p.right)
    door_near = np.count_nonzero(n_door)
    feasible: list[tuple[int, float, float, float, bool]] = []
    for quantile, p_guard, n_guard in guards:
        for margin in margins:
            p_pass = p.ok & (p.margin >= margin) & (p.best > p_guard) & ~p_door
            n_pass = n.ok & (n.margin >= margin) & (n.best > n_guard) & ~n_door
            wrong = door_wrong + _at_least(p.best[p_pass & ~p.right], descending)
            right = door_right + _at_least(p.best[p_pass & p.right], descending)
            near = door_near + _at_least(n.best[n_pass], descending)
            within = (wrong <= most_wrong) & (near <= most_near)
            stop = int(np.argmin(within)) if not within.all() else len(within)   # more lenient only adds
            if stop:
                at = int(np.argmax(right[:stop]))
                feasible.append((int(right[at]), float(margin), float(descending[at]), quantile, door))
    return feasible


def _at_least(values: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """For each threshold, how many of `values` reach it."""
    return len(values) - np.searchsorted(np.sort(values), thresholds, side="left")


class _Arrays:
    def __init__(self, samples: Sequence[_Sample]):
        self.best = np.array([s.best for s in samples])
        self.margin = np.array([s.margin for s in samples])
        self.ok = np.array([s.answerable for s in samples], dtype=bool)
        self.right = np.array([s.right_first for s in samples], dtype=bool)


def _report(rule: DecisionRule, positives: list[_Sample], negatives: list[_Sample], target: float,
            seconds: float) -> Calibration:
    def share(count: int, total: int) -> float:
        return count / total if total else 0.0
    # Each sample is judged with the guards of the other half: an honest estimate, not in-sample.
    folds = [replace(rule, guards=_guards([s for s in negatives if s.fold != f], rule.guard_quantile),
                     phrasing_f1=_phrasing_f1([s for s in positives if s.fold != f],
                                              [s for s in negatives if s.fold != f])
                     if rule.phrasing_f1 <= 1.0 else rule.phrasing_f1)
             for f in (0, 1)]
    kinds = [folds[s.fold].kind(s.best, s.margin, s.answerable, s.winner, s.f1, s.other_f1) for s in positives]
    near = [folds[s.fold].kind(s.best, s.margin, s.answerable, s.winner, s.f1, s.other_f1) for s in negatives]
    right = sum(k == "answer" and s.right_first for k, s in zip(kinds, positives))
    wrong = sum(k == "answer" and not s.right_first for k, s in zip(kinds, positives))
    clarified = [s for k, s in zip(kinds, positives) if k == "clarify"]
    with_right = sum(s.right_first or (s.right_confidence is not None and rule.offers(s.best, s.right_confidence))
                     for s in clarified)
    n = len(positives)
    return Calibration(rule, target, n, len(negatives), share(right, n), share(wrong, n),
                       share(len(clarified), n), share(with_right, n), share(kinds.count("fallback"), n),
                       share(near.count("answer"), len(negatives)), share(near.count("clarify"), len(negatives)),
                       seconds)
