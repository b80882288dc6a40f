"""Okapi BM25 over documents of term ids, as numpy postings (one view of the text).

Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and Beyond": k1 = 1.2,
b = 0.75, Lucene's idf. Scores are divided by the largest score any document could reach for the
same question (every term's idf × (k1 + 1)), so they lie in 0..1 and compare between questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Any, Sequence

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


_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")


def has_hangul(text: str) -> bool:
    """Whether `text` has a Hangul syllable (U+AC00..U+D7A3)."""
    return _HANGUL_SYLLABLE.search(text) is not None


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
        pair_entries, pair_terms = np.divmod(keys, max(vocabulary_size, 1))
        del keys
        self._weigh(pair_entries, pair_terms, pair_counts, lengths, vocabulary_size)

    @classmethod
    def from_pairs(cls, pair_entries: np.ndarray, pair_terms: np.ndarray, pair_counts: np.ndarray, n: int,
                   vocabulary_size: int) -> View:
        """The view of (entry index, term id) pairs already summed: each pair once, sorted by entry
        then term (int64 arrays), with its number of occurrences (float64, whole numbers). The same
        view as `View(entries, terms, n, vocabulary_size, counts)` of the occurrences they sum."""
        view = cls.__new__(cls)
        view.n = n
        lengths = np.bincount(pair_entries, weights=pair_counts, minlength=n).astype(np.float64)
        view._weigh(pair_entries, pair_terms, pair_counts, lengths, vocabulary_size)
        return view

    def _weigh(self, pair_entries: np.ndarray, pair_terms: np.ndarray, pair_counts: np.ndarray,
               lengths: np.ndarray, vocabulary_size: int) -> None:
        n = self.n
        self.lengths = lengths
        self.average_length = float(lengths.mean()) if n and lengths.sum() else 1.0
        order = np.argsort(pair_terms, kind="stable")    # by term; entries stay ascending within one
        self.entries = pair_entries[order].astype(np.int32)
        tf_array = pair_counts[order].astype(np.float64)
        del order
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


GramTable = tuple[np.ndarray, np.ndarray, np.ndarray]


def _gram_table(word_grams: Sequence[tuple[int, ...]]) -> GramTable:
    """Each word's number of grams, all grams end to end, and where each word's start."""
    counts = np.fromiter(map(len, word_grams), dtype=np.int64, count=len(word_grams))
    flat = np.fromiter(chain.from_iterable(word_grams), dtype=np.int64, count=int(counts.sum()))
    return counts, flat, np.cumsum(counts) - counts


def _expand(table: GramTable, entries: np.ndarray, terms: np.ndarray,
            tf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts, flat, starts = table
    per_pair = counts[terms]
    ends = np.cumsum(per_pair)
    # Cell k of pair i reads flat[starts[word] + k]: `cells` is that position, built in place.
    cells = np.repeat(starts[terms] - (ends - per_pair), per_pair)
    cells += np.arange(len(cells), dtype=np.int64)
    return np.repeat(entries, per_pair), flat[cells], np.repeat(tf.astype(np.float64), per_pair)


def expand_grams(words: View, word_grams: Sequence[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gram view's occurrences from the word view's: each (entry, word) pair, counted tf times,
    gives the word's grams (`word_grams[word id]`), each counted tf times. Three arrays (entry,
    gram id, count): what one occurrence per gram per word occurrence would count, at a third of the
    length (a word recurs in an entry's phrasings)."""
    terms = np.repeat(np.arange(len(words.df), dtype=np.int64), words.df)   # the word of each pair
    return _expand(_gram_table(word_grams), words.entries, terms, words.tf)


def gram_pairs(words: View, word_grams: Sequence[tuple[int, ...]], vocabulary_size: int,
               block: int = 1000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`expand_grams`' occurrences summed per (entry, gram) pair, sorted by entry then gram, for
    `View.from_pairs`. Done `block` entries at a time: all occurrences at once took 70 MB of
    temporary arrays on a 10,000-entry base."""
    table = _gram_table(word_grams)
    terms = np.repeat(np.arange(len(words.df), dtype=np.int64), words.df)
    order = np.argsort(words.entries, kind="stable")        # the word view's pairs, by entry
    bounds = np.searchsorted(words.entries[order], np.arange(0, words.n + block, block))
    size = max(vocabulary_size, 1)
    all_keys, all_counts = [], []
    for low, high in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if low == high:
            continue
        rows = order[low:high]
        entries, grams_, counts = _expand(table, words.entries[rows], terms[rows], words.tf[rows])
        keys = entries.astype(np.int64) * size
        keys += grams_
        by_key = np.argsort(keys, kind="stable")
        keys, counts = keys[by_key], counts[by_key]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        all_keys.append(keys[starts])
        all_counts.append(np.add.reduceat(counts, starts))
    if not all_keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0)
    pair_entries, pair_terms = np.divmod(np.concatenate(all_keys), size)
    return pair_entries, pair_terms, np.concatenate(all_counts)
