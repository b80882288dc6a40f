"""Building the index: the vectorized steps give what the plain per-word loops give."""

from __future__ import annotations

import pickle
import random
from collections import Counter

import numpy as np

from bot.engine.bm25 import View, gram_pairs
from bot.engine.retrieval import expand_grams
from bot.engine.spelling import Spelling


def per_word(entries: list[int], terms: list[int], word_grams: list[tuple[int, ...]]) -> tuple[list[int], list[int]]:
    gram_entries, gram_terms = [], []
    for entry, term in zip(entries, terms):
        gram_terms.extend(word_grams[term])
        gram_entries.extend([entry] * len(word_grams[term]))
    return gram_entries, gram_terms


def test_gram_counts_are_those_of_each_words_grams_per_occurrence():
    rng = random.Random(3)
    word_grams = [tuple(rng.randrange(50) for _ in range(rng.randint(1, 7))) for _ in range(30)]
    entries = [rng.randrange(20) for _ in range(400)]
    terms = [rng.randrange(30) for _ in range(400)]
    words = View(np.array(entries, dtype=np.int64), np.array(terms, dtype=np.int64), 20, 30)
    got_entries, got_terms, got_counts = expand_grams(words, word_grams)
    got: Counter[tuple[int, int]] = Counter()
    for entry, term, count in zip(got_entries.tolist(), got_terms.tolist(), got_counts.tolist()):
        got[entry, term] += count
    want_entries, want_terms = per_word(entries, terms, word_grams)
    assert got == Counter(zip(want_entries, want_terms))


def test_the_gram_view_built_a_block_of_entries_at_a_time_is_the_one_built_at_once():
    rng = random.Random(5)
    for n, vocabulary, grams_ in ((20, 30, 50), (1, 4, 3), (57, 200, 90)):
        word_grams = [tuple(rng.randrange(grams_) for _ in range(rng.randint(1, 7))) for _ in range(vocabulary)]
        size = rng.randint(n, 8 * n)
        entries = [rng.randrange(n) for _ in range(size)]
        terms = [rng.randrange(vocabulary) for _ in range(size)]
        words = View(np.array(entries, dtype=np.int64), np.array(terms, dtype=np.int64), n, vocabulary)
        gram_entries, gram_terms, gram_counts = expand_grams(words, word_grams)
        at_once = View(gram_entries, gram_terms, n, grams_, gram_counts)
        for block in (1, 3, 7, n, 1000):
            blocks = View.from_pairs(*gram_pairs(words, word_grams, grams_, block), n, grams_)
            for name in ("entries", "weights", "tf", "df", "offsets", "idf", "lengths"):
                got, want = getattr(blocks, name), getattr(at_once, name)
                assert got.dtype == want.dtype and np.array_equal(got, want), (name, block)
            for name in ("n", "average_length", "unknown_idf", "skip_df"):
                assert getattr(blocks, name) == getattr(at_once, name), (name, block)


def test_no_word_gives_no_gram():
    words = View(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3, 1)
    assert [a.tolist() for a in expand_grams(words, [(1, 2)])] == [[], [], []]
    empty = View.from_pairs(*gram_pairs(words, [(1, 2)], 3), 3, 3)
    assert empty.entries.tolist() == [] and empty.lengths.tolist() == [0.0, 0.0, 0.0]


def test_the_bundled_gram_view_is_the_one_the_plain_loop_builds(engine):
    index = engine.index
    words = index.word_view
    # Every word occurrence, from the phrasings (entry order, then phrasing order).
    occurrences = [(p.entry_index, t) for p in sorted(index.phrasings, key=lambda p: p.entry_index) for t in p.words]
    assert len(occurrences) == int(words.lengths.sum())
    plain = View(*(np.array(a, dtype=np.int64) for a in per_word([e for e, _ in occurrences],
                                                                  [t for _, t in occurrences], index.word_grams)),
                 words.n, len(index.gram_vocabulary))
    for name in ("entries", "weights", "tf", "df", "offsets", "idf", "lengths"):
        assert np.array_equal(getattr(plain, name), getattr(index.gram_view, name)), name


def test_words_used_in_the_same_languages_share_one_set(engine):
    langs = engine.index.token_langs
    assert {frozenset(v) for v in langs.values()} == set(map(frozenset, langs.values()))
    assert len({id(v) for v in langs.values()}) == len(set(langs.values())) <= 7
    assert all(v and set(v) <= {"id", "ko", "en"} for v in langs.values())


def test_a_view_of_nothing_is_empty_with_counts_or_without():
    nothing = np.array([], dtype=np.int64)
    for view in (View(nothing, nothing, 3, 2), View(nothing, nothing, 3, 2, np.array([], dtype=np.float64))):
        assert view.lengths.dtype == np.float64 and view.lengths.tolist() == [0.0, 0.0, 0.0]
        assert len(view.weights) == 0 and view.df.tolist() == [0, 0]
        scores, coverage = view.scores({0: 1.0}, 0.0, None, None)
        assert scores.tolist() == [0.0, 0.0, 0.0] and coverage.tolist() == [0.0, 0.0, 0.0]


def test_spelling_survives_the_engine_cache_with_the_same_corrections(engine):
    spelling = engine.index.spelling
    copy = pickle.loads(pickle.dumps(spelling, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.deletes == spelling.deletes and list(copy.deletes) == list(spelling.deletes)
    assert any(not isinstance(ids, int) for ids in copy.deletes.values())     # shared forms kept as lists
    for word in list(engine.index.vocabulary)[:300]:
        for typo in (word[1:], word[:-1] + "q", word[:2] + word[3:]):
            for lang in ("id", "ko", "en"):
                assert copy.correct(typo, lang) == spelling.correct(typo, lang)


def test_spelling_with_a_separator_in_a_word_is_kept_as_it_is():
    words = ["kata\0kunci", "jaringan"]
    vocabulary = {w: i for i, w in enumerate(words)}
    spelling = Spelling(words, vocabulary, np.array([1, 1]), {0: {"id"}, 1: {"id"}}, {})
    copy = pickle.loads(pickle.dumps(spelling))
    assert copy.deletes == spelling.deletes and "kata\0kunc" in copy.deletes
    assert copy.correct("jaringn", "id") == 1
