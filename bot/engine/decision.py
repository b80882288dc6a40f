"""Answer, "did you mean" or "I don't know": a rule calibrated on each knowledge base when it loads.

No labelled question is needed. The base questions itself (`calibrate`):

- answerable questions: each sampled phrasing is asked against the base without it and without its
  translations (the phrasings at the same position in the entry's other languages). Its entry
  should still come first; when another does, answering would have been wrong.
- near misses: the same phrasing asked against the base without its whole entry. Whatever comes
  first is about something else in the same domain: any answer would be wrong.

A logistic model (`Evidence` features: confidence, the two margins, the closest phrasing's F1, the
unknown and topical shares, and how far the best entry clears the near misses that landed on it)
estimates from these samples the chance that answering with the best entry is right. The samples
are weighted as the traffic the bot expects (`Traffic`): mostly answerable questions and a share
of near misses (far off-topic questions are easy: the scope checks and the model's low confidence
refuse them). The rule answers from the probability at which the expected cost of an answer
(a wrong fact) falls below that of not answering (a tap in "did you mean", or a refusal), the
threshold chosen on out-of-fold probabilities (each half of the samples judged by the model fitted
on the other half), so the figures `kb check` prints are not in-sample. Below it, "did you mean"
offers the close entries when the best reaches the median near miss; below that, the fallback.

Logistic regression by iteratively reweighted least squares with a small L2 penalty (Hastie,
Tibshirani and Friedman, The Elements of Statistical Learning, 2nd ed., section 4.4.1).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping, Protocol, Sequence

import numpy as np

from bot.engine.evidence import FEATURES, Evidence, evidence
from bot.engine.retrieval import Candidate, Index, LeaveOut, QueryTerm
from bot.engine.scope import Scope
from bot.memory import gc_paused

DEFAULT_MAX_SAMPLES = 600          # phrasings asked at load time (each asked twice)
GUARD_QUANTILE = 0.75              # the guard of an entry: this quantile of the near misses that landed on it
L2 = 1e-2                          # ridge penalty on the standardized features
NEAR_MISS_CLARIFY = 0.5            # at most half of the near misses are offered "did you mean"


class TrafficSettings(Protocol):
    near_miss_share: float
    cost_wrong: float
    cost_refusal: float
    cost_tap: float


@dataclass(frozen=True)
class Traffic:
    """What the calibration assumes about real questions, and what each kind of error costs the
    reader (in units of one wrong fact). Settings: BOT_NEAR_MISS_SHARE, BOT_COST_*."""
    near_miss_share: float = 0.15  # of the questions that reach an entry: asking a fact the base lacks
    wrong: float = 1.0             # a wrong fact answered
    refusal: float = 0.3           # an answerable question refused ("I don't know")
    tap: float = 0.15              # "did you mean" whose first choice is right: one tap

    def __post_init__(self) -> None:
        if not 0.0 <= self.near_miss_share < 1.0 or min(self.wrong, self.refusal, self.tap) < 0:
            raise ValueError("near_miss_share must be in [0, 1) and the costs non-negative")

    @classmethod
    def of(cls, settings: TrafficSettings) -> Traffic:
        return cls(settings.near_miss_share, settings.cost_wrong, settings.cost_refusal, settings.cost_tap)

    @property
    def second_tap(self) -> float:
        """"Did you mean" holding the right entry, not first: reading the choices, then a tap."""
        return min(2 * self.tap, self.refusal)

    @property
    def glance(self) -> float:
        """A near miss offered choices that are all wrong, or a right answer with alternatives
        under it: the reader glances and moves on."""
        return self.tap / 5

    @property
    def caught(self) -> float:
        """A wrong answer with the right entry among the alternatives under it: misread, then a tap."""
        return (self.wrong + self.tap) / 2


@dataclass(frozen=True)
class DecisionRule:
    """The fitted model: standardized `Evidence` → probability that the best entry is right."""
    weights: tuple[float, ...]     # one per feature of FEATURES, then the intercept
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float               # answer from this probability (above 1: never)
    alternatives_from: float       # from this one up to `threshold`, answer with the close entries
                                   # offered under it ("not what you asked?"); equal: never
    clarify_score: float           # "did you mean" from this confidence; below, the fallback
    offer_margin: float            # a runner-up this close to the best in confidence is offered too
    guards: Mapping[int, float] = field(default_factory=dict)   # entry index → near misses' score there
    default_guard: float = 0.0     # for entries no near miss landed on

    def probability(self, found: Evidence, entry: int) -> float:
        """The estimated chance (0..1) that answering with entry `entry` is right."""
        x = np.array(found.values + (found.confidence - self.guards.get(entry, self.default_guard),))
        z = (x - np.array(self.mean)) / np.array(self.scale)
        return float(1.0 / (1.0 + np.exp(-(z @ np.array(self.weights[:-1]) + self.weights[-1]))))

    def answers(self, found: Evidence, entry: int, answerable: bool = True) -> bool:
        """Whether to answer with the best entry (alone, or with alternatives). `answerable` False
        (the question asks what the entry does not hold, `bot.engine.scope`) never answers."""
        return answerable and self.probability(found, entry) >= min(self.alternatives_from, self.threshold)

    def with_alternatives(self, found: Evidence, entry: int) -> bool:
        """Whether an answer with the best entry also offers the close entries under it."""
        return self.probability(found, entry) < self.threshold

    def offers(self, best: float, other: float) -> bool:
        """Whether "did you mean" lists an entry of confidence `other` beside the best one (`best`):
        when it reaches the "did you mean" floor, or trails the best by less than the margin by
        which a right entry typically trails a wrong one."""
        return other >= self.clarify_score or best - other < self.offer_margin


@dataclass(frozen=True)
class Calibration:
    """What was fitted, and what the out-of-fold samples predict for it (shares in 0..1)."""
    rule: DecisionRule
    traffic: Traffic
    positives: int
    near_misses: int
    answered_right: float          # of positives (alone or with alternatives)
    with_alternatives: float       # of positives: answered with alternatives under the answer
    answered_wrong: float          # of positives
    clarified: float               # of positives: "did you mean"
    clarified_with_right: float    # of positives: "did you mean" whose choices include the entry
    refused: float                 # of positives
    near_miss_answered: float      # of near misses
    near_miss_clarified: float     # of near misses
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold": round(self.rule.threshold, 4), "alternatives_from": round(self.rule.alternatives_from, 4),
            "clarify_score": round(self.rule.clarify_score, 4),
            "offer_margin": round(self.rule.offer_margin, 4),
            "weights": dict(zip(FEATURES + ("guard_gap", "intercept"), (round(w, 3) for w in self.rule.weights))),
            "near_miss_share": self.traffic.near_miss_share, "cost_wrong": self.traffic.wrong,
            "cost_refusal": self.traffic.refusal, "cost_tap": self.traffic.tap,
            "positives": self.positives, "near_misses": self.near_misses,
            "expected_answered_right": round(self.answered_right, 4),
            "expected_answered_wrong": round(self.answered_wrong, 4),
            "expected_with_alternatives": round(self.with_alternatives, 4),
            "expected_clarified": round(self.clarified, 4),
            "expected_refused": round(self.refused, 4),
            "expected_near_miss_answered": round(self.near_miss_answered, 4),
            "expected_near_miss_clarified": round(self.near_miss_clarified, 4),
            "seconds": round(self.seconds, 3),
        }


Answerable = Callable[[Candidate, Sequence[QueryTerm], LeaveOut], bool]   # see Engine.answerable


@dataclass(frozen=True)
class _Sample:
    found: Evidence | None             # None: nothing ranked
    winner: int                        # the best entry's index (-1: none)
    answerable: bool
    fold: int                          # cross-fitting half
    right: bool = False                # positives: the asked entry came first
    offered: bool = False              # positives: the asked entry is among the top three
    trail: float | None = None         # positives: how far the asked entry trails the best, when not first


def calibrate(index: Index, scope: Scope, answerable: Answerable, traffic: Traffic = Traffic(),
              max_samples: int = DEFAULT_MAX_SAMPLES, seed: int = 0) -> Calibration:
    """Fit a DecisionRule for `index` from its own phrasings (see the module docstring).

    `answerable(best, terms, leave_out)` is the engine's own check that a candidate may be answered
    at all, judged without the left-out phrasings. Deterministic for a given base and seed."""
    with gc_paused():
        started = time.perf_counter()
        positives, negatives = _samples(index, scope, answerable, max_samples, seed)
        return _fit(positives, negatives, traffic, time.perf_counter() - started)


def _samples(index: Index, scope: Scope, answerable: Answerable, max_samples: int,
             seed: int) -> tuple[list[_Sample], list[_Sample]]:
    positives: list[_Sample] = []
    negatives: list[_Sample] = []
    for phrasing_index in sample_phrasings(index, max_samples, seed):
        phrasing = index.phrasings[phrasing_index]
        entry = phrasing.entry_index
        text = index.kb.entries[entry].questions[phrasing.lang][phrasing.number]
        terms = index.terms(text, phrasing.lang)
        dropped = index.translations(phrasing_index)
        fold = _phrasing_key(seed + 1, index, phrasing_index) % 2     # as stable as the sample
        if len(dropped) < len(index.entry_phrasings[entry]):
            leave_out = LeaveOut(entry, dropped)
            ranked = index.rank(terms, 3, leave_out)
            if ranked:
                right = next((c for c in ranked if c.entry_index == entry), None)
                positives.append(_Sample(
                    evidence(scope, ranked, terms, leave_out), ranked[0].entry_index,
                    answerable(ranked[0], terms, leave_out), fold, right is ranked[0], right is not None,
                    None if right is None or right is ranked[0] else ranked[0].confidence - right.confidence))
        leave_out = LeaveOut(entry, whole_entry=True)
        ranked = index.rank(terms, 3, leave_out)
        negatives.append(_Sample(evidence(scope, ranked, terms, leave_out), ranked[0].entry_index,
                                 answerable(ranked[0], terms, leave_out), fold) if ranked
                         else _Sample(None, -1, False, fold))
    return positives, negatives


def sample_phrasings(index: Index, max_samples: int, seed: int) -> list[int]:
    """Up to `max_samples` phrasings spread evenly over the entries (round robin).

    The order comes from a hash of each phrasing's own text (and its entry's id), not from its
    position: an administrator adding or removing a phrasing changes the sample by that phrasing
    alone, so a one-line edit cannot redraw the whole calibration."""
    entries = index.kb.entries
    pools = [sorted(pool, key=lambda i: _phrasing_key(seed, index, i)) for pool in index.entry_phrasings if pool]
    pools.sort(key=lambda pool: _stable_hash(seed, entries[index.phrasings[pool[0]].entry_index].id))
    pools = pools[:max_samples]
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


def _phrasing_key(seed: int, index: Index, phrasing_index: int) -> int:
    phrasing = index.phrasings[phrasing_index]
    entry = index.kb.entries[phrasing.entry_index]
    return _stable_hash(seed, entry.id, phrasing.lang, entry.questions[phrasing.lang][phrasing.number])


def _stable_hash(seed: int, *parts: str) -> int:
    """A pseudo-random 64-bit number that depends on the text alone (unlike hash(), across runs too)."""
    return int.from_bytes(hashlib.blake2b("\0".join((str(seed), *parts)).encode(), digest_size=8).digest(), "big")


def _guards(negatives: Sequence[_Sample], folds: Sequence[int] | None = None) -> dict[int, float]:
    """Entry index → GUARD_QUANTILE of the confidence of the (answerable) near misses that landed
    on it, using only the samples of `folds` (all when None)."""
    landed: dict[int, list[float]] = {}
    for s in negatives:
        if s.found is not None and s.answerable and (folds is None or s.fold in folds):
            landed.setdefault(s.winner, []).append(s.found.confidence)
    return {entry: float(np.quantile(scores, GUARD_QUANTILE)) for entry, scores in landed.items()}


def _logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Weights (features, then intercept) maximizing the weighted, L2-penalized log-likelihood."""
    x = np.hstack((x, np.ones((len(x), 1))))
    beta = np.zeros(x.shape[1])
    penalty = L2 * np.diag(np.r_[np.ones(x.shape[1] - 1), 0.0])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (w * (p - y)) + penalty @ beta
        hessian = (x * (w * p * (1.0 - p))[:, None]).T @ x + penalty + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _fit(positives: list[_Sample], negatives: list[_Sample], traffic: Traffic, seconds: float) -> Calibration:
    near = [s.found.confidence for s in negatives if s.found is not None]
    clarify = float(np.quantile(near, 1.0 - NEAR_MISS_CLARIFY)) if near else 0.0
    trails = [s.trail for s in positives if s.trail is not None]
    offer_margin = float(np.median(trails)) if trails else 0.0
    guards = _guards(negatives)
    default_guard = float(np.median(near)) if near else 0.0
    never = DecisionRule((0.0,) * (len(FEATURES) + 2), (0.0,) * (len(FEATURES) + 1), (1.0,) * (len(FEATURES) + 1),
                         1.01, 1.01, clarify, offer_margin, MappingProxyType(guards), default_guard)
    kept = [(s, True) for s in positives if s.found is not None and s.answerable]
    kept += [(s, False) for s in negatives if s.found is not None and s.answerable]
    trainable = [s for s, _positive in kept]
    is_positive = np.array([positive for _s, positive in kept], dtype=bool)
    y = np.array([s.right and positive for s, positive in zip(trainable, is_positive)], dtype=float)
    if len(set(y.tolist())) < 2:
        # One kind of outcome only (a base of one entry, or nothing answerable): answer always or never.
        always = len(y) and y[0] == 1
        rule = replace(never, threshold=0.0 if always else 1.01, alternatives_from=0.0 if always else 1.01)
        return _report(rule, positives, negatives, traffic, {id(s): float(y[0]) for s in trainable}, seconds)
    fold_guards = [_guards(negatives, [1 - f]) for f in (0, 1)]      # each half judged by the other's guards

    def row(s: _Sample, own: Mapping[int, float]) -> list[float]:
        assert s.found is not None
        return list(s.found.values) + [s.found.confidence - own.get(s.winner, default_guard)]
    x_oof = np.array([row(s, fold_guards[s.fold]) for s in trainable])
    x_all = np.array([row(s, guards) for s in trainable])
    # Each kind of sample weighs its share of the traffic, whatever the number drawn of it.
    weight = np.where(is_positive, (1.0 - traffic.near_miss_share) / max(len(positives), 1),
                      traffic.near_miss_share / max(len(negatives), 1)) * len(trainable)
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0) + 1e-9
    folds = np.array([s.fold for s in trainable])
    out_of_fold = np.zeros(len(trainable))
    for f in (0, 1):
        train = folds != f
        if (~train).any() and len(set(y[train].tolist())) > 1:
            beta = _logistic((x_oof[train] - mean) / scale, y[train], weight[train])
            z = (x_oof[~train] - mean) / scale
            out_of_fold[~train] = 1.0 / (1.0 + np.exp(-(z @ beta[:-1] + beta[-1])))
    beta = _logistic((x_all - mean) / scale, y, weight)
    alternatives_from, threshold = _thresholds(trainable, is_positive, y, weight, out_of_fold, clarify, traffic)
    rule = DecisionRule(tuple(float(b) for b in beta), tuple(float(m) for m in mean), tuple(float(s) for s in scale),
                        threshold, alternatives_from, clarify, offer_margin, MappingProxyType(guards), default_guard)
    probability = dict(zip(map(id, trainable), out_of_fold))
    return _report(rule, positives, negatives, traffic, probability, seconds)


def _thresholds(samples: Sequence[_Sample], is_positive: np.ndarray, right: np.ndarray, weight: np.ndarray,
                probability: np.ndarray, clarify: float, traffic: Traffic) -> tuple[float, float]:
    """(alternatives_from, threshold): the pair of probabilities whose replies cost least over the
    (weighted) samples. Below the first, "did you mean" or the fallback; from it, the answer with
    the close entries under it; from the second, the answer alone. Equal: no band (it is kept only
    where it costs the reader less)."""
    confidence = np.array([s.found.confidence if s.found is not None else 0.0 for s in samples])
    offered = np.array([s.offered for s in samples], dtype=bool)
    shown = confidence >= clarify
    is_right = right == 1
    low = np.where(is_positive, np.where(shown & is_right, traffic.tap,
                                         np.where(shown & offered, traffic.second_tap, traffic.refusal)),
                   np.where(shown, traffic.glance, 0.0)) * weight
    middle = np.where(is_positive, np.where(is_right, traffic.glance, np.where(offered, traffic.caught, traffic.wrong)),
                      traffic.wrong) * weight
    high = np.where(is_positive & is_right, 0.0, traffic.wrong) * weight
    candidates = np.unique(np.r_[np.quantile(probability, np.linspace(0.0, 1.0, 201)), 1.01])
    order = np.argsort(probability)
    below = np.searchsorted(probability[order], candidates, side="left")    # samples under each candidate

    def under(costs: np.ndarray) -> np.ndarray:
        return np.r_[0.0, np.cumsum(costs[order])][below]
    low_under, middle_under, high_under = under(low), under(middle), under(high)
    # total[a, b] = low below a + middle between a and b + high from b, for a <= b
    total = (low_under[:, None] - middle_under[:, None] + middle_under[None, :]
             + (high.sum() - high_under)[None, :])
    total[np.tril_indices(len(candidates), -1)] = np.inf
    a, b = np.unravel_index(int(np.argmin(total)), total.shape)
    return float(candidates[a]), float(candidates[b])


def _report(rule: DecisionRule, positives: list[_Sample], negatives: list[_Sample], traffic: Traffic,
            probability: Mapping[int, float] | np.ndarray, seconds: float) -> Calibration:
    """Rates predicted on the samples, each judged by its out-of-fold probability (not in-sample)."""
    def kind(s: _Sample) -> str:
        if s.found is None:
            return "fallback"
        p = probability.get(id(s), 0.0) if isinstance(probability, Mapping) else 0.0
        if s.answerable and p >= rule.threshold:
            return "answer"
        if s.answerable and p >= rule.alternatives_from:
            return "alternatives"
        return "clarify" if s.found.confidence >= rule.clarify_score else "fallback"

    def share(count: int, total: int) -> float:
        return count / total if total else 0.0
    kinds = [kind(s) for s in positives]
    near = ["answer" if k == "alternatives" else k for k in map(kind, negatives)]
    alternatives = kinds.count("alternatives")
    kinds = ["answer" if k == "alternatives" else k for k in kinds]
    n = len(positives)
    clarified = [s for k, s in zip(kinds, positives) if k == "clarify"]
    return Calibration(
        rule, traffic, n, len(negatives),
        answered_right=share(sum(k == "answer" and s.right for k, s in zip(kinds, positives)), n),
        with_alternatives=share(alternatives, n),
        answered_wrong=share(sum(k == "answer" and not s.right for k, s in zip(kinds, positives)), n),
        clarified=share(len(clarified), n), clarified_with_right=share(sum(s.offered for s in clarified), n),
        refused=share(kinds.count("fallback"), n), near_miss_answered=share(near.count("answer"), len(negatives)),
        near_miss_clarified=share(near.count("clarify"), len(negatives)), seconds=seconds)
