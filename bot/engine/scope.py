"""What an entry can answer: a check on the best-ranked entry before the decision may answer.

Ranking finds the entry most like the question; it cannot tell that the question asks something
the entry does not hold. Three signs that it does, each of which lowers the reply to "did you
mean" at most (`bot.engine.answer`):

- the question names a party (a name of the base) that the entry never mentions: "size of
  Chungbuk Technopark" must not get the answer about KITB's size;
- it contains a number the entry never mentions ("MoU 2024년에 체결했어요?");
- it asks a kind of question (who, when, where, why, how many) that none of the entry's
  phrasings asks, in any language: "when is the next seminar" is not answered by the entry
  about what the seminars cover.

All three are read from the knowledge base itself (its names, synonym groups and phrasings) and
general question words (`bot.text.wordlists.QUESTION_WORDS`).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from bot.engine.bm25 import LeaveOut
from bot.engine.retrieval import Index, QueryTerm
from bot.text.wordlists import QUESTION_WORDS

_KINDS = tuple(QUESTION_WORDS)
_KIND_OF_WORD = {word: kind for kind, words in QUESTION_WORDS.items() for word in words.split()}
_HOW, _AMOUNT = "how", ("many", "much")


class Scope:
    """Per-entry scope of one index. Built in a few milliseconds per thousand entries."""

    def __init__(self, index: Index):
        self.index = index
        kb = index.kb
        self.entities = frozenset(index.vocabulary[f"@{key}"] for key in kb.names if f"@{key}" in index.vocabulary)
        # Word id → the kind of question it asks: a question word itself, or a synonym group of the
        # base whose spellings are question words of one kind (@when: kapan, when, 언제).
        self.kind_of: dict[int, str] = {}
        for word, token_id in index.vocabulary.items():
            group = word[1:] if word.startswith("@") and word[1:] not in kb.names else None
            spellings = kb.synonyms.get(group, ()) if group is not None else (word,)
            kinds = {_KIND_OF_WORD[s.lower()] for s in spellings if s.lower() in _KIND_OF_WORD}
            if len(kinds) == 1:
                self.kind_of[token_id] = kinds.pop()
        self._how = index.vocabulary.get(_HOW)
        self._amount = frozenset(index.vocabulary[w] for w in _AMOUNT if w in index.vocabulary)
        self.entry_kinds = self._entry_kinds()

    def _entry_kinds(self) -> list[frozenset[str]]:
        """The kinds of question each entry's phrasings ask: one bit per kind (and one each for
        'how' and 'many/much'), OR-ed over each phrasing's words, then over each entry's phrasings."""
        index = self.index
        bit = {kind: 1 << number for number, kind in enumerate(_KINDS)}
        how, amount = 1 << len(_KINDS), 1 << (len(_KINDS) + 1)
        word_bits = np.zeros(len(index.vocabulary), dtype=np.int64)
        for token_id, kind in self.kind_of.items():
            word_bits[token_id] |= bit[kind]
        if self._how is not None:
            word_bits[self._how] |= how
        word_bits[list(self._amount)] |= amount
        if not index.phrasings:
            return [frozenset()] * len(index.kb.entries)
        # Every indexed phrasing has at least one word, so no row of the CSR is empty.
        phrasing_bits = np.bitwise_or.reduceat(word_bits[index.phrasing_words], index.phrasing_starts[:-1])
        phrasing_bits[((phrasing_bits & how) != 0) & ((phrasing_bits & amount) != 0)] |= bit["quantity"]
        owners = np.fromiter((p.entry_index for p in index.phrasings), dtype=np.int64, count=len(index.phrasings))
        entry_bits = np.zeros(len(index.kb.entries), dtype=np.int64)
        np.bitwise_or.at(entry_bits, owners, phrasing_bits)
        as_kinds = {b: frozenset(k for k in _KINDS if b & bit[k]) for b in set(entry_bits.tolist())}
        return [as_kinds[b] for b in entry_bits.tolist()]

    def kinds(self, words: Iterable[int | None]) -> frozenset[str]:
        """The kinds of question asked by these word ids (a question's or a phrasing's)."""
        ids = {w for w in words if w is not None}
        found = {self.kind_of[w] for w in ids if w in self.kind_of}
        if self._how is not None and self._how in ids and ids & self._amount:
            found.add("quantity")
        return frozenset(found)

    def question_kinds(self, terms: Sequence[QueryTerm]) -> frozenset[str]:
        """The kinds of question a question asks, by its known words and by question words the
        base never uses (a 'who' question to a base nobody asks 'who' of is still one)."""
        texts = {t.text for t in terms}
        unknown = {_KIND_OF_WORD[t.text] for t in terms if t.token_id is None and t.text in _KIND_OF_WORD}
        if _HOW in texts and texts.intersection(_AMOUNT):
            unknown.add("quantity")
        return self.kinds(t.token_id for t in terms) | unknown

    def answerable(self, entry: int, terms: Sequence[QueryTerm], leave_out: LeaveOut | None = None) -> bool:
        """False when the question (`terms`) names a party or a number that entry `entry` never
        mentions, or asks a kind of question none of its phrasings asks. `leave_out`: judge the
        entry without those phrasings (calibration asks a phrasing as if it were not in the base)."""
        has = self.index.entry_has
        for term in terms:
            if term.token_id is not None and term.token_id in self.entities \
                    and not has(entry, term.token_id, leave_out):
                return False
            if term.text.isdigit() and (term.token_id is None or not has(entry, term.token_id, leave_out)):
                return False
        asked = self.question_kinds(terms)
        return not asked or asked <= self._kinds_of(entry, leave_out)

    def _kinds_of(self, entry: int, leave_out: LeaveOut | None) -> frozenset[str]:
        if leave_out is None or leave_out.entry_index != entry or not leave_out.phrasings:
            return self.entry_kinds[entry]
        found: frozenset[str] = frozenset()
        for position in self.index.entry_phrasings[entry]:
            if position not in leave_out.phrasings:
                found |= self.kinds(self.index.phrasings[position].distinct)
        return found
