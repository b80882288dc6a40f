"""What an entry can answer: checks on a ranked entry before the decision may answer with it.

Ranking finds the entry most like the question; it cannot tell that the question asks something
the entry does not hold. Three signs that it does, each of which keeps the reply from being an
answer (`bot.engine.answer`):

- the question names a party (a name of the base) that the entry never mentions, in its phrasings
  or its answer: "size of Chungbuk Technopark" must not get the answer about KITB's size; or it uses
  a word of the base's synonym groups that no entry uses at all (the base knows the word, and has
  nothing on it);
- it contains a number the entry never mentions ("MoU 2024년에 체결했어요?");
- it asks a kind of question (`bot.text.kinds`: who, when, what time, where, why, how many, how
  much money, how long, a phone number, an address...) that none of the entry's phrasings asks:
  "when is the next seminar" is not answered by the entry about what the seminars cover, and
  "what time was the MoU signed" not by the entry that gives its date (that one gets a partial
  reply, `bot.engine.answer.Engine.partial`).

All three are read from the knowledge base itself (its names, synonym groups and phrasings)
and general question words. The same object measures two things the decision reads: how much of
the question's weight is unknown to the base, and how much of its topical weight an entry holds.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from bot.engine.bm25 import LeaveOut
from bot.engine.retrieval import Index, QueryTerm
from bot.knowledge.template import placeholders
from bot.text.kinds import kinds_of, pair_kinds, word_kinds
from bot.text.lexicon import frequent_words
from bot.text.normalize import normalize_word

GENERIC_WORDS = 1000      # the most frequent words of each language: generic, not topical


class Scope:
    """Per-entry scope of one index. Built in a few milliseconds per thousand entries."""

    def __init__(self, index: Index):
        self.index = index
        kb = index.kb
        single = index.analyzer.single_word_names      # folded spelling → '@group'
        # A synonym group whose spellings all ask one kind asks it too ('@when': kapan, when, 언제).
        self.kind_of = dict(word_kinds())
        for group, spellings in kb.synonyms.items():
            kinds = {k for s in spellings for k in kinds_of(self._normalized(s))}
            if len(kinds) == 1:
                self.kind_of[f"@{group}"] = kinds.pop()
        self.pairs = {(single.get(a, a), single.get(b, b)): kind for (a, b), kind in pair_kinds().items()}
        self.names = frozenset(f"@{key}" for key in kb.names)
        self.unused_concepts = frozenset(f"@{key}" for key in kb.synonyms if f"@{key}" not in index.vocabulary)
        self.answer_names = [frozenset(f"@{p.name}" for template in entry.answer.values()
                                       for p in placeholders(template) if p.name in kb.names) for entry in kb.entries]
        # Per entry, read on first use: a large base's start-up would otherwise pay for every entry.
        self._entry_kinds: dict[int, frozenset[str]] = {}
        self._by_phrasing: dict[int, frozenset[str]] = {}
        generic = {form for lang in ("id", "en", "ko") for word in frequent_words(lang, GENERIC_WORDS)
                   for form in normalize_word(word, lang)}
        self.generic = frozenset(generic)

    @staticmethod
    def _normalized(spelling: str) -> list[str]:
        return [form for word in spelling.lower().split() for lang in ("id", "en", "ko")
                for form in normalize_word(word, lang)[:1]][:2]

    def kinds(self, tokens: Iterable[str]) -> frozenset[str]:
        """The kinds of question asked by a sequence of normalized tokens (a question's or a phrasing's)."""
        tokens = list(tokens)
        found = {self.kind_of[t] for t in tokens if t in self.kind_of}
        found.update(self.pairs[pair] for pair in zip(tokens, tokens[1:]) if pair in self.pairs)
        return frozenset(found)

    def question_kinds(self, terms: Sequence[QueryTerm]) -> frozenset[str]:
        """The kinds a question asks, from its words in order, as typed and as resolved ('whem' is
        read as 'when'; 'telp' asks for a phone number whatever it is corrected to)."""
        resolved = self.kinds(self.index.words[t.token_id] if t.token_id is not None else t.text for t in terms)
        return resolved | self.kinds(t.text for t in terms)

    def without_kinds(self, terms: Sequence[QueryTerm], kinds: frozenset[str]) -> list[QueryTerm]:
        """The question's words less those that ask one of `kinds` (a pair's two words both go)."""
        drop: set[int] = set()
        for words in ([self.index.words[t.token_id] if t.token_id is not None else t.text for t in terms],
                      [t.text for t in terms]):
            drop.update(i for i, w in enumerate(words) if self.kind_of.get(w) in kinds)
            drop.update(i + step for i, pair in enumerate(zip(words, words[1:])) if self.pairs.get(pair) in kinds
                        for step in (0, 1))
        return [t for i, t in enumerate(terms) if i not in drop]

    def held_kinds(self, entry: int, leave_out: LeaveOut | None = None) -> frozenset[str]:
        """The kinds of question entry `entry` answers (without `leave_out`'s phrasings)."""
        dropped = leave_out.phrasings if leave_out is not None and leave_out.entry_index == entry else frozenset()
        if not dropped and entry in self._entry_kinds:
            return self._entry_kinds[entry]
        kinds = [self._phrasing_kinds(p) for p in self.index.entry_phrasings[entry] if p not in dropped]
        held = frozenset().union(*kinds)
        if not dropped:
            self._entry_kinds[entry] = held
        return held

    def _phrasing_kinds(self, position: int) -> frozenset[str]:
        found = self._by_phrasing.get(position)
        if found is None:
            words = self.index.words
            found = self._by_phrasing[position] = self.kinds(words[t] for t in self.index.phrasings[position].words)
        return found

    def mentions(self, entry: int, term: QueryTerm, leave_out: LeaveOut | None = None) -> bool:
        """Whether the entry mentions this name or word, in a phrasing or (names) its answer."""
        if term.text in self.answer_names[entry]:
            return True
        return term.token_id is not None and self.index.entry_has(entry, term.token_id, leave_out)

    def subject_held(self, entry: int, terms: Sequence[QueryTerm], leave_out: LeaveOut | None = None) -> bool:
        """False when the question names a party or a number the entry never mentions, or uses a
        word of the base that no entry has."""
        for term in terms:
            word = self.index.words[term.token_id] if term.token_id is not None else term.text
            if word in self.unused_concepts:
                return False
            if word in self.names and not self.mentions(entry, term, leave_out):
                return False
            if term.text.isdigit() and (term.token_id is None or not self.index.entry_has(entry, term.token_id,
                                                                                          leave_out)):
                return False
        return True

    def missing_kinds(self, entry: int, asked: frozenset[str], leave_out: LeaveOut | None = None) -> frozenset[str]:
        """The kinds the question asks that the entry holds neither itself nor through a finer kind."""
        return asked - self.held_kinds(entry, leave_out)

    def answerable(self, entry: int, terms: Sequence[QueryTerm], leave_out: LeaveOut | None = None,
                   asked: frozenset[str] | None = None) -> bool:
        """False when the question (`terms`) names a party or a number that entry `entry` never
        mentions, or asks a kind of question it does not answer. `leave_out`: judge the entry
        without those phrasings (calibration asks a phrasing as if it were not in the base)."""
        asked = self.question_kinds(terms) if asked is None else asked
        return self.subject_held(entry, terms, leave_out) and not self.missing_kinds(entry, asked, leave_out)

    # -- what the decision reads -----------------------------------------------------------------------
    def unknown_share(self, terms: Sequence[QueryTerm], leave_out: LeaveOut | None = None) -> float:
        """The share (0..1) of the question's word weight that the base does not know (or knows
        only from what `leave_out` removes); grammar words do not count."""
        view, total, unknown = self.index.word_view, 0.0, 0.0
        seen: set[int | str] = set()
        for term in terms:
            key = term.token_id if term.token_id is not None else term.text
            if key in seen:
                continue
            seen.add(key)
            if term.token_id is None:
                if not self.index.analyzer.is_grammar(term.text):
                    total += view.unknown_idf
                    unknown += view.unknown_idf
            elif self._gone(term.token_id, leave_out):
                total += view.unknown_idf
                unknown += view.unknown_idf
            else:
                total += float(view.idf[term.token_id])
        return unknown / total if total else 0.0

    def topical_share(self, entry: int, terms: Sequence[QueryTerm], leave_out: LeaveOut | None = None) -> float:
        """The share (0..1) of the question's topical weight (words that are not among the most
        frequent of any language) that entry `entry` contains; 1 when the question has none."""
        view, total, held = self.index.word_view, 0.0, 0.0
        for term in terms:
            word = self.index.words[term.token_id] if term.token_id is not None else term.text
            if word in self.generic or self.index.analyzer.is_grammar(word):
                continue
            if term.token_id is None or self._gone(term.token_id, leave_out):
                total += view.unknown_idf
                continue
            weight = float(view.idf[term.token_id])
            total += weight
            if self.index.entry_has(entry, term.token_id, leave_out):
                held += weight * term.quality
        return held / total if total else 1.0

    def _gone(self, token_id: int, leave_out: LeaveOut | None) -> bool:
        """Whether the word exists only in what `leave_out` removes (then it is unknown)."""
        view = self.index.word_view
        if leave_out is None or view.df[token_id] != 1:
            return False
        entries, _weights = view.postings(token_id)
        if int(entries[0]) != leave_out.entry_index:
            return False
        return leave_out.whole_entry or not self.index.entry_has(leave_out.entry_index, token_id, leave_out)
