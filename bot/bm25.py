"""Okapi BM25 over documents of term ids, as numpy postings (one view of the text).

Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and Beyond": k1 = 1.2,
b = 0.75, Lucene's idf. Scores are divided by the largest score any document could reach for the
same question (every term's idf × (k1 + 1)), so they lie in 0..1 and compare between questions.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

K1 = 1.2                # BM25 term-frequency saturation (standard default)
B = 0.75                # BM25 length normalization (standard default)
SKIP_SHARE = 0.25       # on large bases, a term in more than this share of entries is not scored
SKIP_FLOOR = 2000       # ... unless it is in fewer entries than this (its idf is small anyway)


def grams(token: str) -> list[str]:
    """Character 3-grams of one normalized token, with word boundaries ('#'); Hangul is split into
    jamo first so one wrong vowel changes a few grams, not a whole syllable. Names ('@kitb') and
    numbers stay whole: a typo in them means another thing."""
    if token.startswith("@") or token.isdigit():
        return [token]
    form = "#" + (unicodedata.normalize("NFD", token) if has_hangul(token) else token) + "#"
    if len(form) <= 4:
        return [form]
    return [form[i:i + 3] for i in range(len(form) - 2)]


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@dataclass(frozen=True)
class LeaveOut:
    """Search as if part of the base were missing (calibration).

    entry_index: the entry concerned; phrasings: positions (into Index.phrasings) of its phrasings
    to drop. With `whole_entry`, the entry is dropped altogether."""
    entry_index: int
    phrasings: frozenset[int] = frozenset()
    whole_entry: bool = False


class View:
    """One view's inverted index: BM25 weight of each (term, entry) pair, as numpy postings sorted
    by term, then entry."""

    def __init__(self, entries: np.ndarray, terms: np.ndarray, n: int, vocabulary_size: int,
                 counts: np.ndarray[Any, Any] | None = None):
        """`entries` and `terms`: one (entry index, term id) pair per occurrence (integer arrays), or
        with `counts` (float64, whole numbers), how many occurrences each pair stands for."""
        self.n = n
        keys = np.asarray(entries, dtype=np.int64) * max(vocabulary_size, 1)
        keys += terms
        pair_counts: np.ndarray[Any, Any]
        lengths: np.ndarray[Any, Any]
        if counts is None:
            lengths = np.bincount(entries, minlength=n).astype(np.float64)
            keys, pair_counts = np.unique(keys, return_counts=True)
        else:
            lengths = np.bincount(entries, weights=counts, minlength=n).astype(np.float64)   # float when empty too
            # Each pair's occurrences summed after one sort (np.unique's inverse would take twice the memory).
            order = np.argsort(keys, kind="stable")
            keys = keys[order]
            sorted_counts = np.asarray(counts, dtype=np.float64)[order]
            del order
            starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) \
                else np.zeros(0, dtype=np.int64)
            keys = keys[starts]
            pair_counts = np.add.reduceat(sorted_counts, starts) if len(starts) else np.zeros(0)
            del sorted_counts, starts
        self.lengths = lengths
        self.average_length = float(lengths.mean()) if n and lengths.sum() else 1.0
        pair_entries, pair_terms = np.divmod(keys, max(vocabulary_size, 1))
        del keys
        order = np.argsort(pair_terms, kind="stable")    # by term; entries stay ascending within one
        self.entries = pair_entries[order].astype(np.int32)
        tf_array = pair_counts[order].astype(np.float64)
        self.df = np.bincount(pair_terms, minlength=vocabulary_size).astype(np.int32)
        self.offsets = np.concatenate(([0], np.cumsum(self.df))).astype(np.int64)
        self.idf = np.log(1.0 + (n - self.df + 0.5) / (self.df + 0.5))
        # idf × tf / (tf + k1 (1 - b + b length / average)), computed in place (one pair-sized array
        # at a time on a large base) in the same order of operations.
        norm = lengths[self.entries]
        norm *= B
        norm /= self.average_length
        norm += 1.0 - B
        norm *= K1
        norm += tf_array
        weights = np.repeat(self.idf, self.df)
        weights *= tf_array
        weights /= norm
        del norm
        self.weights = weights.astype(np.float32)
        self.tf = tf_array.astype(np.float32)
        # A word the base does not know weighs like a typical word of the base.
        self.unknown_idf = float(np.median(self.idf)) if len(self.idf) else 1.0
        self.skip_df = max(SKIP_FLOOR, int(SKIP_SHARE * n))

    def has(self, term: int, entry: int) -> bool:
        entries = self.entries[self.offsets[term]:self.offsets[term + 1]]
        position = int(np.searchsorted(entries, entry))
        return position < len(entries) and int(entries[position]) == entry

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.offsets[term], self.offsets[term + 1]
        return self.entries[start:end], self.weights[start:end]

    def scores(self, terms: dict[int, float], unknown: float, leave_out: LeaveOut | None,
               removed: Counter[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """For query `terms` (term id → match quality) plus `unknown` terms not in the base: every
        entry's BM25 normalized by its bound, and its coverage (the share of the question's idf
        weight the entry contains). Two float64 arrays of length n, in 0..1."""
        scores = np.zeros(self.n, dtype=np.float64)
        hits = np.zeros(self.n, dtype=np.float64)
        bound = unknown * self.unknown_idf
        for term, quality in terms.items():
            entries, weights = self.postings(term)
            gone = (leave_out is not None and self.df[term] == 1 and int(entries[0]) == leave_out.entry_index
                    and (leave_out.whole_entry or (removed is not None
                                                   and removed.get(term, 0) >= self._tf(term, 0))))
            if gone:     # the term exists only in what was left out: now an unknown word
                bound += self.unknown_idf
                continue
            bound += float(self.idf[term])
            if len(entries) > self.skip_df:
                hits += quality * float(self.idf[term])    # in most entries: counted as present
                continue
            scores[entries] += quality * weights
            hits[entries] += quality * float(self.idf[term])
        if leave_out is not None and not leave_out.whole_entry and removed:
            entry = leave_out.entry_index
            scores[entry], hits[entry] = self._rescore_without(terms, entry, removed)
        if not bound:
            return scores, hits
        return scores / (bound * (K1 + 1.0)), hits / bound

    def _tf(self, term: int, position: int) -> float:
        return float(self.tf[self.offsets[term] + position])

    def _rescore_without(self, terms: dict[int, float], entry_index: int,
                         removed: Counter[int]) -> tuple[float, float]:
        """The entry's BM25 and hit weight with some of its text removed (same idf: a small
        approximation)."""
        length = self.lengths[entry_index] - sum(removed.values())
        norm = K1 * (1.0 - B + B * max(length, 1.0) / self.average_length)
        total = hit = 0.0
        for term, quality in terms.items():
            entries, _ = self.postings(term)
            position = int(np.searchsorted(entries, entry_index)) if len(entries) else 0
            if position >= len(entries) or entries[position] != entry_index:
                continue
            tf = self._tf(term, position) - removed.get(term, 0)
            if tf > 0:
                total += quality * float(self.idf[term]) * tf / (tf + norm)
                hit += quality * float(self.idf[term])
        return total, hit
