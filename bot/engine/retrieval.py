"""Ranking: which knowledge-base entries a question is about, scored from two views of the text.

Each entry is one document made of all its phrasings (every language together). Two views of the
text are indexed separately and blended:

- words: the injected analyzer's normalized tokens (names and synonym groups as one token, stems),
  with typo correction, Korean compound splitting and prefix matching for question words the base
  does not know;
- grams: character 3-grams of each word (jamo 3-grams for Hangul), which tolerate typos, affixes and
  spacing the word view misses.

Per view, an entry's score is Okapi BM25 divided by the largest score any document could reach for
the same question (`bot.engine.bm25`), so scores are in 0..1 and comparable between questions. A word the
base never uses still counts in that bound with the weight of a typical word of the base, so it
lowers the score without vetoing the match. The ten best are re-ranked with the weighted word F1
of the entry's closest phrasing and rapidfuzz's token-sort similarity to it.

Deciding what to say from these scores is `bot.engine.decision`'s job.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Mapping, Protocol, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.engine.bm25 import LeaveOut, View, expand_grams, gram_pairs, grams, has_hangul
from bot.engine.packing import Phrasing, pack_phrasings, unpack_phrasings
from bot.engine.spelling import Spelling
from bot.knowledge.model import KnowledgeBase
from bot.memory import gc_paused

__all__ = ["Analyzer", "Candidate", "Index", "LeaveOut", "Phrasing", "QueryTerm", "expand_grams", "grams"]

WORD_SHARE = 0.5        # blend of the two views: equal, neither is known to be better in general
# The re-ranked score of an entry: how well the question matches the entry's closest phrasing
# (weighted F1 over words: a question that matches a phrasing only in part, "how big is KITB"
# against "how big is phase 1 of KITB", scores low), how alike the strings are, and a whole-entry
# measure. Two whole-entry measures serve two purposes:
# - rank by the entry's BM25 blend relative to the leader's (or to a true match's typical blend when
#   the leader is weaker): on the public paraphrase sets this orders entries best;
# - decide by coverage, the share of the question's word weight found anywhere in the entry: an
#   absolute measure that separates answerable questions from near misses better.
ENTRY_SHARE, F1_SHARE, SIMILARITY_SHARE = 0.4, 0.4, 0.2
RERANK = 10             # candidates re-ranked with string similarity
TYPO_QUALITY = 0.85     # a corrected word counts a bit less than an exact one
SPLIT_QUALITY = 0.95    # a word found by splitting a spaceless Korean compound
PREFIX_QUALITY = 0.8    # 'organisations' for 'organisation'
MAX_KOREAN_TAIL = 2     # syllables of unknown verb ending allowed after a known Korean word
GRAMMAR_QUALITY = 0.15  # a grammar word ('do', 'the', 'yang') counts this much of its idf: a shared
                        # 'what do I have to do' says nothing about which entry is meant
REFERENCE_SAMPLE = 200  # phrasings asked at build time to learn what a true match's blend looks like


class Analyzer(Protocol):
    """Per-language text analysis, injected into the index (see `bot.text.normalize.Analyzer`)."""

    single_word_names: dict[str, str]

    def tokens(self, text: str, lang: str, surfaces: list[str] | None = None) -> list[str]: ...
    def prepare(self, text: str, folded: str | None = None) -> tuple[str, tuple[str, ...]]: ...
    def tokens_of(self, prepared: str, lang: str) -> list[str]: ...
    def split_compound(self, word: str, known: "Vocabulary") -> list[str] | None: ...
    def is_grammar(self, word: str) -> bool: ...
    def is_name(self, token: str) -> bool: ...
    def is_common_word(self, word: str, lang: str) -> bool: ...


class Vocabulary(Protocol):
    def __contains__(self, word: object) -> bool: ...


@dataclass(frozen=True)
class Candidate:
    """One entry's evidence for a question. All scores are in 0..1."""
    entry_index: int
    score: float                # the blended, re-ranked score the decision uses
    words: float                # word view
    grams: float                # gram view
    similarity: float = 0.0     # token-sort similarity to the closest phrasing (re-ranked only)
    f1: float = 0.0             # weighted word F1 with the closest phrasing (re-ranked only)
    confidence: float = 0.0     # the score the decision reads (coverage instead of the relative blend)


@dataclass
class QueryTerm:
    text: str
    token_id: int | None        # None: the word is not in the knowledge base
    quality: float = 1.0


class Index:
    """Entries of one knowledge base, indexed for ranking. Build once per knowledge base (immutable
    afterwards, safe to share between threads); `search` is the query path."""

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer):
        with gc_paused():
            self._build(kb, analyzer)

    def _build(self, kb: KnowledgeBase, analyzer: Analyzer) -> None:
        self.kb = kb
        self.analyzer = analyzer
        self.vocabulary: dict[str, int] = {}
        self.gram_vocabulary: dict[str, int] = {}
        self.word_grams: list[tuple[int, ...]] = []       # word id → its gram ids
        self.phrasings: list[Phrasing] = []
        self.entry_phrasings: list[list[int]] = [[] for _ in kb.entries]
        self.token_langs: Mapping[int, frozenset[str]] = {}     # word id → languages of the phrasings using it
        # Spellings that became a name or synonym token, with the languages of the phrasings using
        # them: 'luas' is Indonesian even though @area is every language's.
        self.surface_langs: dict[str, set[str]] = defaultdict(set)
        word_entries, word_terms = array("q"), array("q")
        intern, known = self._intern, self.vocabulary.get
        used_in: defaultdict[str, set[int]] = defaultdict(set)     # language → ids of the words its phrasings use
        # Names looked up once: this loop runs once per phrasing, 120,000 times on a large base.
        phrasings, surface_langs, new = self.phrasings, self.surface_langs, tuple.__new__
        for entry_index, entry in enumerate(kb.entries):
            own = self.entry_phrasings[entry_index]
            for lang, texts in entry.questions.items():
                used = used_in[lang]
                for number, text in enumerate(texts):
                    surfaces: list[str] = []
                    tokens = analyzer.tokens(text, lang, surfaces)
                    for form in surfaces:
                        surface_langs[form].add(lang)
                    if not tokens:
                        continue
                    ids = tuple([i if (i := known(t)) is not None else intern(t) for t in tokens])
                    word_terms.extend(ids)
                    word_entries.extend([entry_index] * len(ids))
                    used.update(ids)
                    own.append(len(phrasings))
                    # A Phrasing, made without its Python-level __new__.
                    phrasings.append(new(Phrasing, (entry_index, lang, number, ids, " ".join(tokens),
                                                    tuple(set(ids)))))
        self._share_langs(used_in)
        n = len(kb.entries)
        entries, terms = np.frombuffer(word_entries, dtype=np.int64), np.frombuffer(word_terms, dtype=np.int64)
        self.word_view = View(entries, terms, n, len(self.vocabulary))
        del entries, terms, word_entries, word_terms
        self.gram_view = View.from_pairs(*gram_pairs(self.word_view, self.word_grams, len(self.gram_vocabulary)),
                                         n, len(self.gram_vocabulary))
        self.words = list(self.vocabulary)
        self.df = self.word_view.df
        self.idf = self.word_view.idf
        self.idf_list: list[float] = self.idf.tolist()     # plain floats: fast in Python loops
        idf = self.idf_list
        self.grammar = frozenset(i for w, i in self.vocabulary.items() if analyzer.is_grammar(w))
        self.phrasing_weight = np.array([sum(idf[t] * (GRAMMAR_QUALITY if t in self.grammar else 1.0)
                                             for t in p.distinct) or 1.0 for p in self.phrasings])
        # Each phrasing's distinct words as one CSR row, for the re-rank's F1 in a few numpy calls.
        lengths = np.array([len(p.distinct) for p in self.phrasings], dtype=np.int64)
        self.phrasing_starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.phrasing_words = np.fromiter((t for p in self.phrasings for t in p.distinct), dtype=np.int32,
                                          count=int(lengths.sum()))
        self.spelling = Spelling(self.words, self.vocabulary, self.df, self.token_langs,
                                 analyzer.single_word_names)
        self.reference = self._reference_blend()

    def __getstate__(self) -> dict[str, Any]:
        """For the engine cache: the phrasings as a few flat columns (`bot.engine.packing`)."""
        return {**self.__dict__, "phrasings": pack_phrasings(self.phrasings)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, phrasings=unpack_phrasings(state["phrasings"]))

    def _share_langs(self, used_in: dict[str, set[int]]) -> None:
        """`token_langs`: each word's languages, one frozen set per combination shared by the words
        that have it."""
        shared: dict[frozenset[str], frozenset[str]] = {}
        langs: defaultdict[int, frozenset[str]] = defaultdict(frozenset)
        for token_id in range(len(self.vocabulary)):
            found = frozenset(lang for lang, ids in used_in.items() if token_id in ids)
            langs[token_id] = shared.setdefault(found, found)
        self.token_langs = langs

    def entry_has(self, entry_index: int, token_id: int, leave_out: LeaveOut | None = None) -> bool:
        """Whether any phrasing of the entry uses the word (without `leave_out`'s phrasings)."""
        if leave_out is not None and leave_out.entry_index == entry_index and leave_out.phrasings:
            return any(token_id in self.phrasings[p].distinct for p in self.entry_phrasings[entry_index]
                       if p not in leave_out.phrasings)
        return self.word_view.has(token_id, entry_index)

    def _reference_blend(self) -> float:
        """The median blended score of a phrasing against its own entry: what a true match looks
        like on this base. A leader weaker than this is read relative to it, not to itself."""
        step = max(1, len(self.phrasings) // REFERENCE_SAMPLE)
        values = []
        for p in range(0, len(self.phrasings), step):
            phrasing = self.phrasings[p]
            text = self.kb.entries[phrasing.entry_index].questions[phrasing.lang][phrasing.number]
            ranked = self.rank(self.terms(text, phrasing.lang), 1, blend_only=True)
            if ranked:
                values.append(ranked[0].score)      # the blend itself (`blend_only`)
        return float(np.median(values)) if values and np.median(values) > 0 else 1.0

    def _intern(self, token: str) -> int:
        token_id = self.vocabulary.get(token)
        if token_id is None:
            token_id = self.vocabulary[token] = len(self.vocabulary)
            self.word_grams.append(tuple(self._intern_gram(g) for g in grams(token)))
        return token_id

    def _intern_gram(self, gram: str) -> int:
        gram_id = self.gram_vocabulary.get(gram)
        if gram_id is None:
            gram_id = self.gram_vocabulary[gram] = len(self.gram_vocabulary)
        return gram_id

    def terms(self, text: str, lang: str, tokens: Sequence[str] | None = None) -> list[QueryTerm]:
        """The question's words, each resolved to a known word (exact, split, corrected, prefix) or
        left unknown. `lang` is the question's language ('id', 'ko' or 'en'); `tokens`, when the
        text was analyzed already (`bot.engine.question`), its tokens in that language."""
        terms: list[QueryTerm] = []
        seen: set[str] = set()
        tokens = self.analyzer.tokens(text, lang) if tokens is None else tokens
        # A guess (typo, prefix) never lands on a word the question already has: 'what did the
        # governor say about samsung' must not read 'samsung' as a second 'say' and lose it.
        taken = {i for i in map(self.vocabulary.get, tokens) if i is not None}
        for token in tokens:
            if token in seen:
                continue
            seen.add(token)
            token_id = self.vocabulary.get(token)
            if token_id is not None:
                terms.append(QueryTerm(token, token_id))
                continue
            if has_hangul(token):
                pieces = self.analyzer.split_compound(token, self.vocabulary)
                if pieces:
                    terms.extend(QueryTerm(p, self.vocabulary[p], SPLIT_QUALITY) for p in pieces if p not in seen)
                    seen.update(pieces)
                    continue
            exact = self.spelling.exact(token)
            # A common word ('kapal', ship) is no misspelling of a known one ('kapan', when).
            common = exact is None and self.analyzer.is_common_word(token, lang)
            guess = exact if exact is not None or common else self.spelling.correct(token, lang)
            quality = TYPO_QUALITY
            if guess is None or guess in taken:
                guess, quality = None if has_hangul(token) else self.spelling.prefix_match(token), PREFIX_QUALITY
            if guess is not None and guess not in taken:
                taken.add(guess)
                terms.append(QueryTerm(token, guess, quality))
            else:
                terms.append(QueryTerm(token, None))
        return terms

    def search(self, text: str, lang: str, limit: int = 5,
               leave_out: LeaveOut | None = None) -> tuple[list[Candidate], list[QueryTerm]]:
        """Rank entries for `text` written in `lang`.

        Returns up to `limit` candidates, best first (scores in 0..1), and the resolved question
        words. With `leave_out`, the index behaves as if that part of the base were missing.
        An empty or all-noise text gives no candidates; never raises on any string."""
        terms = self.terms(text, lang)
        return self.rank(terms, limit, leave_out), terms

    def rank(self, terms: Sequence[QueryTerm], limit: int = 5, leave_out: LeaveOut | None = None,
             blend_only: bool = False) -> list[Candidate]:
        """Candidates for resolved question words, best first."""
        if not any(t.token_id is not None for t in terms):
            return []
        word_terms: dict[int, float] = {}
        unknown_words = 0.0
        for term in terms:
            if term.token_id is not None:
                quality = term.quality * (GRAMMAR_QUALITY if term.token_id in self.grammar else 1.0)
                word_terms[term.token_id] = max(word_terms.get(term.token_id, 0.0), quality)
            elif not self.analyzer.is_grammar(term.text):
                unknown_words += 1.0
        gram_terms: dict[int, float] = {}
        unknown_grams = 0.0
        for term in terms:
            for gram in grams(term.text):
                gram_id = self.gram_vocabulary.get(gram)
                if gram_id is not None:
                    gram_terms[gram_id] = 1.0
                elif not self.analyzer.is_grammar(term.text):
                    unknown_grams += 1.0
        removed_words = removed_grams = None
        if leave_out is not None and not leave_out.whole_entry:
            removed_words = Counter(t for p in leave_out.phrasings for t in self.phrasings[p].words)
            removed_grams = Counter(g for p in leave_out.phrasings for t in self.phrasings[p].words
                                    for g in self.word_grams[t])
        word_scores, word_coverage = self.word_view.scores(word_terms, unknown_words, leave_out, removed_words)
        gram_scores, _gram_coverage = self.gram_view.scores(gram_terms, unknown_grams, leave_out, removed_grams)
        blended = WORD_SHARE * word_scores + (1.0 - WORD_SHARE) * gram_scores
        if leave_out is not None and leave_out.whole_entry:
            blended[leave_out.entry_index] = -1.0
        pool = max(limit, RERANK)
        pooled = np.argpartition(-blended, pool - 1)[:pool] if len(blended) > pool else np.arange(len(blended))
        top = [int(i) for i in pooled if blended[i] > 0]
        if not top:
            return []
        top.sort(key=lambda i: -blended[i])
        if blend_only:      # before the re-rank, which reads `self.reference`
            i = top[0]
            return [Candidate(i, float(blended[i]), float(word_scores[i]), float(gram_scores[i]))]
        # Relative to the leader, so the order is the blend's; but to a true match's typical blend
        # when the leader is weaker than that, so a weak leader does not look strong.
        scale = max(float(blended[top[0]]), self.reference)
        query = " ".join(self.words[t.token_id] if t.token_id is not None else t.text for t in terms)
        idf = self.idf_list
        query_weight = (sum(idf[t] * q for t, q in word_terms.items())
                        + unknown_words * self.word_view.unknown_idf)
        dropped = leave_out.phrasings if leave_out is not None else frozenset()
        f1s, similarities = self._closest_phrasings(top, word_terms, query, query_weight, dropped)
        results = []
        for entry_index, f1, similarity in zip(top, f1s, similarities):
            coverage = float(word_coverage[entry_index])    # the gram view's coverage separates worse
            phrasing_part = F1_SHARE * min(f1, 1.0) + SIMILARITY_SHARE * similarity
            score = ENTRY_SHARE * float(blended[entry_index]) / scale + phrasing_part
            results.append(Candidate(entry_index, score, float(word_scores[entry_index]),
                                     float(gram_scores[entry_index]), similarity, f1,
                                     ENTRY_SHARE * coverage + phrasing_part))
        results.sort(key=lambda c: c.score, reverse=True)
        return results[:limit]

    def _closest_phrasings(self, entries: list[int], word_terms: dict[int, float], query: str,
                           query_weight: float, dropped: frozenset[int]) -> tuple[list[float], list[float]]:
        """For each entry: the best weighted word F1 between the question and one of its phrasings,
        and the best token-sort similarity (0..1) to one of them (without the `dropped` ones)."""
        chosen: list[int] = []
        counts: list[int] = []
        for entry_index in entries:
            phrasings = [p for p in self.entry_phrasings[entry_index] if p not in dropped] if dropped \
                else self.entry_phrasings[entry_index]
            chosen.extend(phrasings)
            counts.append(len(phrasings))
        if not chosen:
            return [0.0] * len(entries), [0.0] * len(entries)
        rows = np.array(chosen, dtype=np.int64)
        starts, ends = self.phrasing_starts[rows], self.phrasing_starts[rows + 1]
        lengths = ends - starts
        firsts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        cells = np.repeat(starts - firsts, lengths) + np.arange(int(lengths.sum()))
        weights = np.zeros(len(self.vocabulary))
        for term, quality in word_terms.items():
            weights[term] = self.idf_list[term] * quality
        matched = np.add.reduceat(weights[self.phrasing_words[cells]], firsts)
        precision = matched / self.phrasing_weight[rows]
        recall = matched / query_weight
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(matched > 0, 2 * precision * recall / (precision + recall), 0.0)
        texts = [self.phrasings[p].text for p in chosen]
        similarity = process.cdist([query], texts, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0] / 100.0
        best_f1, best_similarity, at = [], [], 0
        for count in counts:
            best_f1.append(float(f1[at:at + count].max()) if count else 0.0)
            best_similarity.append(float(similarity[at:at + count].max()) if count else 0.0)
            at += count
        return best_f1, best_similarity

    def translations(self, phrasing: int) -> frozenset[int]:
        """The phrasing and those at the same position in the entry's other languages: in a base
        written in several languages they are usually translations of one another."""
        own = self.phrasings[phrasing]
        return frozenset(p for p in self.entry_phrasings[own.entry_index]
                         if self.phrasings[p].number == own.number)
