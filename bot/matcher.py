"""The index: informative-word retrieval with typo tolerance, scored by how much of the question
each entry explains. Returns ranked candidates; deciding what to say is `answer.py`'s job.

Score of an entry for a question (both in 0..1):
  coverage  = share of the question's information (IDF weight) found in any of the entry's phrasings
  precision = for its best phrasing, share of that phrasing's information the question contains
An off-topic question shares only uninformative words with the base, so its coverage stays low
however alike the strings look.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.knowledge.model import KnowledgeBase
from bot.normalize import GRAMMAR_WORDS, KO_ENDINGS, KO_PARTICLES, Analyzer, has_hangul, jamo, strip_korean

COVERAGE_WEIGHT = 0.5
TYPO_QUALITY = 0.85           # a corrected word counts a bit less than an exact one
SPLIT_QUALITY = 0.95          # a word found by splitting a spaceless Korean compound
PREFIX_QUALITY = 0.8          # 'organisations' for 'organisation', '협약했다는' for '협약'
GRAMMAR_WEIGHT = 0.15         # the most a grammar word can weigh, however rare in the base
UNKNOWN_FACTOR = 1.5          # a word the base never uses weighs this much of the rarest known word
MIN_LATIN_TYPO_LENGTH = 5
MAX_KOREAN_TAIL = 2           # syllables of unknown verb ending allowed after a known Korean word
FUZZY_WEIGHT = 0.2           # share of the score from string similarity (re-scoring the best few)
RESCORE = 5
MAX_CANDIDATES = 50           # entries fully scored per question
CANDIDATE_DF_SHARE = 0.05     # a word in more than this share of entries does not seed candidates
CANDIDATE_DF_FLOOR = 50
_FILLERS = frozenset(KO_PARTICLES) | frozenset(KO_ENDINGS)


class Phrasing(NamedTuple):
    entry_index: int
    lang: str
    tokens: tuple[int, ...]
    weight: float              # total IDF weight of its distinct tokens


@dataclass(frozen=True)
class Candidate:
    entry_index: int
    score: float
    coverage: float
    precision: float
    langs: frozenset[str]      # languages of the phrasings that matched best
    missing_number: bool = False   # the question has a number the entry never mentions


@dataclass
class QueryTerm:
    text: str
    token_id: int | None       # None: the word is not in the knowledge base
    quality: float = 1.0


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _typo_form(token: str) -> str:
    return jamo(token) if has_hangul(token) else token


class Index:
    coverage_weight = COVERAGE_WEIGHT
    fuzzy_weight = FUZZY_WEIGHT
    phrasing_f1 = True

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer | None = None):
        # Building allocates millions of small objects that all live on; the cyclic GC scanning
        # them again and again costs a third of the build time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(kb, analyzer)
        finally:
            if was_enabled:
                gc.enable()

    def _build(self, kb: KnowledgeBase, analyzer: Analyzer | None) -> None:
        self.kb = kb
        self.analyzer = analyzer or analyzer_for(kb)
        self.vocabulary: dict[str, int] = {}
        self.phrasings: list[Phrasing] = []
        self.entry_phrasings: list[list[int]] = [[] for _ in kb.entries]
        entry_tokens: list[set[int]] = [set() for _ in kb.entries]
        self.token_langs: dict[int, set[str]] = defaultdict(set)   # which languages' phrasings use it
        raw: list[tuple[int, str, tuple[int, ...], int]] = []
        for entry_index, entry in enumerate(kb.entries):
            for lang, texts in entry.questions.items():
                for number, text in enumerate(texts):
                    ids = tuple(dict.fromkeys(self._intern(t) for t in self.analyzer.tokens(text, lang)))
                    if ids:
                        raw.append((entry_index, lang, ids, number))
                        entry_tokens[entry_index].update(ids)
                        for token_id in ids:
                            self.token_langs[token_id].add(lang)
        self.entry_tokens = [frozenset(s) for s in entry_tokens]
        n = len(kb.entries)
        df = [0] * len(self.vocabulary)
        postings: dict[int, list[int]] = defaultdict(list)
        for entry_index, tokens in enumerate(self.entry_tokens):
            for token_id in tokens:
                df[token_id] += 1
                postings[token_id].append(entry_index)
        self.df = df
        self.idf = [math.log((n - d + 0.5) / (d + 0.5) + 1.0) for d in df]
        for token, token_id in self.vocabulary.items():
            if token in GRAMMAR_WORDS:
                self.idf[token_id] = min(self.idf[token_id], GRAMMAR_WEIGHT)
        self.unknown_weight = UNKNOWN_FACTOR * math.log((n - 0.5) / 1.5 + 1.0)
        self.postings = {t: tuple(p) for t, p in postings.items()}
        self.phrasing_numbers: list[int] = []     # position of each phrasing in its entry's list
        for entry_index, lang, ids, number in raw:
            self.entry_phrasings[entry_index].append(len(self.phrasings))
            self.phrasings.append(Phrasing(entry_index, lang, ids, sum(self.idf[t] for t in ids)))
            self.phrasing_numbers.append(number)
        self._build_typo_index()

    def _intern(self, token: str) -> int:
        token_id = self.vocabulary.get(token)
        if token_id is None:
            token_id = self.vocabulary[token] = len(self.vocabulary)
        return token_id

    def _build_typo_index(self) -> None:
        self.words = list(self.vocabulary)
        self.sorted_latin = sorted(w for w in self.words if not w.startswith("@") and not has_hangul(w))
        self.deletes: dict[str, list[int]] = defaultdict(list)
        self.long_latin: dict[int, list[str]] = defaultdict(list)
        # A misspelt name or synonym ('테크노팤', '투쟈') corrects to its group token first.
        corrections = {form: self.vocabulary[token] for form, token in self.analyzer.single_word_names.items()
                       if token in self.vocabulary}
        for word in self.words:
            if not word.startswith("@"):
                corrections.setdefault(word, self.vocabulary[word])
        self.correction_target = {}
        for word, token_id in corrections.items():
            form = _typo_form(word)
            if len(form) < 4 or word.isdigit():
                continue
            self.correction_target[form] = token_id
            for key in _deletes(form) | {form}:
                self.deletes[key].append(token_id)
            if not has_hangul(word) and len(form) >= 7:
                self.long_latin[len(form)].append(form)

    # -- query ---------------------------------------------------------------------------------
    def terms(self, text: str, lang: str) -> list[QueryTerm]:
        terms: list[QueryTerm] = []
        seen: set[str] = set()
        for token in self.analyzer.tokens(text, lang):
            if token in seen:
                continue
            seen.add(token)
            token_id = self.vocabulary.get(token)
            if token_id is not None:
                terms.append(QueryTerm(token, token_id))
                continue
            if has_hangul(token):
                pieces = self._split_compound(token)
                if pieces:
                    terms.extend(QueryTerm(p, self.vocabulary[p], SPLIT_QUALITY) for p in pieces if p not in seen)
                    seen.update(pieces)
                    continue
            corrected = self._correct(token, lang)
            if corrected is not None:
                terms.append(QueryTerm(token, corrected, TYPO_QUALITY))
                continue
            prefixed = None if has_hangul(token) else self._prefix_match(token)
            if prefixed is not None:
                terms.append(QueryTerm(token, prefixed, PREFIX_QUALITY))
            else:
                terms.append(QueryTerm(token, None))
        return terms

    def _split_compound(self, word: str) -> list[str] | None:
        """Split a spaceless Korean word into known words ('체결장소는어디' → 체결, 장소, 어디)."""
        n = len(word)
        best: list[tuple[int, list[str]] | None] = [None] * (n + 1)   # (known chars, pieces)
        best[0] = (0, [])
        for end in range(1, n + 1):
            for start in range(max(0, end - 12), end):
                if best[start] is None:
                    continue
                piece = word[start:end]
                if len(piece) >= 2 and piece not in self.vocabulary:
                    piece = strip_korean(piece)      # '무슨' → '무엇', '체결했' → '체결'
                known = piece in self.vocabulary and len(piece) >= 2
                if not known and piece not in _FILLERS:
                    continue
                score = best[start][0] + (len(piece) if known else 0)
                if best[end] is None or score > best[end][0]:
                    best[end] = (score, best[start][1] + ([piece] if known else []))
        for end in range(n, max(0, n - MAX_KOREAN_TAIL) - 1, -1):   # an unknown verb ending may follow
            if best[end] is not None and best[end][1]:
                return best[end][1]
        return None

    def _prefix_match(self, token: str) -> int | None:
        """A known word that this one extends or shortens by a suffix: the shortest such."""
        if len(token) < 5:
            return None
        stem = token[: max(4, int(len(token) * 0.7))]
        start = bisect.bisect_left(self.sorted_latin, stem)
        best = None
        for word in self.sorted_latin[start:start + 50]:
            if not word.startswith(stem):
                break
            if (token.startswith(word) or word.startswith(token)) and (best is None or len(word) < len(best)):
                best = word
        return self.vocabulary[best] if best else None

    def _correct(self, token: str, lang: str) -> int | None:
        """The known word one edit away (in jamo for Korean), from phrasings of the same language:
        an English 'number' must not become the Indonesian 'sumber'. Latin words shorter than five
        letters are left alone: one edit turns 'laku' into 'laut'."""
        form = _typo_form(token)
        if len(form) < (4 if has_hangul(token) else MIN_LATIN_TYPO_LENGTH) or token.isdigit():
            return None
        found = {t for key in _deletes(form) | {form} for t in self.deletes.get(key, ())}
        best, best_df = None, -1
        for token_id in found:
            word = self.words[token_id]
            if not word.startswith("@") and lang not in self.token_langs[token_id]:
                continue
            target = _typo_form(word) if not word.startswith("@") else None
            if target is not None and OSA.distance(form, target) > 1:
                continue
            if self.df[token_id] > best_df:
                best, best_df = token_id, self.df[token_id]
        if best is not None or has_hangul(token) or len(form) < 7:
            return best
        pool = [w for size in range(len(form) - 2, len(form) + 3) for w in self.long_latin.get(size, ())]
        for match, _, _ in process.extract(form, pool, scorer=Levenshtein.distance, score_cutoff=2, limit=5):
            token_id = self.correction_target[match]
            if self.words[token_id].startswith("@") or lang in self.token_langs[token_id]:
                return token_id
        return None

    def _weight(self, term: QueryTerm) -> float:
        if term.token_id is not None:
            return self.idf[term.token_id]
        return GRAMMAR_WEIGHT if term.text in GRAMMAR_WORDS else self.unknown_weight

    def search(self, text: str, lang: str, limit: int = 5) -> tuple[list[Candidate], list[QueryTerm]]:
        terms = self.terms(text, lang)
        known = [t for t in terms if t.token_id is not None]
        if not known:
            return [], terms
        weights = {id(t): self._weight(t) for t in terms}
        total = sum(weights.values())
        # Candidates come from the informative words only: a word found in a large share of the
        # entries (a question word) would make every entry a candidate and prove nothing.
        query_ids = {t.token_id: weights[id(t)] * t.quality for t in known}
        df_limit = max(CANDIDATE_DF_FLOOR, int(CANDIDATE_DF_SHARE * len(self.entry_tokens)))
        seeds = [t for t in query_ids if self.df[t] <= df_limit] or list(query_ids)
        counts: dict[int, float] = defaultdict(float)
        for token_id in seeds:
            weight = query_ids[token_id]
            for entry_index in self.postings.get(token_id, ()):
                counts[entry_index] += weight
        pool = heapq.nlargest(MAX_CANDIDATES, counts, key=counts.__getitem__)
        results = []
        for entry_index in pool:
            tokens = self.entry_tokens[entry_index]
            coverage = sum(w for t, w in query_ids.items() if t in tokens) / total
            # The closest single phrasing: how much of the question it covers and how much of it the
            # question covers (F1). A union of many phrasings can cover a question no phrasing asks.
            precision, langs = 0.0, set()
            for p_index in self.entry_phrasings[entry_index]:
                phrasing = self.phrasings[p_index]
                matched = sum(query_ids.get(t, 0.0) for t in phrasing.tokens)
                if not matched:
                    continue
                own = matched / phrasing.weight
                value = 2 * own * (matched / total) / (own + matched / total) if self.phrasing_f1 else own
                if value > precision + 1e-9:
                    precision, langs = value, {phrasing.lang}
                elif value > precision - 1e-9:
                    langs.add(phrasing.lang)
            score = self.coverage_weight * coverage + (1 - self.coverage_weight) * precision
            missing = any(t.text.isdigit() and (t.token_id is None or t.token_id not in tokens) for t in terms)
            results.append(Candidate(entry_index, score, coverage, precision, frozenset(langs), missing))
        results.sort(key=lambda c: c.score, reverse=True)
        if self.fuzzy_weight:
            results[:RESCORE] = self._rescore(results[:RESCORE], terms)
        return results[:limit], terms

    def _rescore(self, candidates: list[Candidate], terms: list[QueryTerm]) -> list[Candidate]:
        """Break near-ties with word order and shape: token-sort similarity between the normalized
        question and the entry's closest phrasing."""
        query = " ".join(self.words[t.token_id] if t.token_id is not None else t.text for t in terms)
        rescored = []
        for c in candidates:
            shapes = [" ".join(self.words[t] for t in self.phrasings[p].tokens) for p in self.entry_phrasings[c.entry_index]]
            similarity = process.extractOne(query, shapes, scorer=fuzz.token_sort_ratio)[1] / 100 if shapes else 0.0
            score = (1 - self.fuzzy_weight) * c.score + self.fuzzy_weight * similarity
            rescored.append(Candidate(c.entry_index, score, c.coverage, c.precision, c.langs, c.missing_number))
        return sorted(rescored, key=lambda c: c.score, reverse=True)


def analyzer_for(kb: KnowledgeBase) -> Analyzer:
    groups = [(name.key, name.spellings()) for name in kb.names.values()]
    groups += list(kb.synonyms.items())
    return Analyzer(groups)


class PhrasingRef(NamedTuple):
    entry_id: str
    index: int
    text: str


def phrasing_collisions(index: Index) -> Iterable[tuple[PhrasingRef, PhrasingRef, str]]:
    """Pairs of phrasings of different entries that normalize to the same words: no question can
    prefer one over the other, so whichever is asked, the bot can only offer both."""
    kb = index.kb
    first_of: dict[tuple[str, frozenset[int]], PhrasingRef] = {}
    for p_index, phrasing in enumerate(index.phrasings):
        entry = kb.entries[phrasing.entry_index]
        number = index.phrasing_numbers[p_index]
        ref = PhrasingRef(entry.id, number, entry.questions[phrasing.lang][number])
        other = first_of.setdefault((phrasing.lang, frozenset(phrasing.tokens)), ref)
        if other.entry_id != ref.entry_id:
            yield other, ref, phrasing.lang
