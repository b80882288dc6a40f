"""A question, analyzed once: folded, voted on for its language, made into the language-independent
tokens (names and synonym groups found), then tokenized per language on demand; and what the
engine read from it (`Reading`). Ranking, the scope checks, the decision and a partial reply all
read these values; no step folds or tokenizes the same text again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.engine.retrieval import Analyzer, Candidate, QueryTerm
from bot.text.language import language_of, language_scores
from bot.text.normalize import fold

MAX_QUESTION_CHARS = 500   # longer text is cut before matching; nobody asks a FAQ in an essay
_SENTENCE = re.compile(r"[^.!?？…\n]+[.!?？…]*")


@dataclass
class Question:
    text: str                            # as asked, cut to MAX_QUESTION_CHARS
    folded: str                          # `fold(text)`
    votes: dict[str, float]              # grammar votes per language (`language_scores`)
    detected: str | None                 # the language they show, if any
    prepared: str                        # names and synonym groups as tokens (`Analyzer.prepare`)
    surfaces: tuple[str, ...]            # the spellings that became those tokens
    analyzer: Analyzer = field(repr=False)
    _tokens: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, text: str, analyzer: Analyzer) -> Question:
        """Analyze `text` (any string). Never raises."""
        text = text[:MAX_QUESTION_CHARS]
        folded = fold(text)
        votes = language_scores(text, folded)
        prepared, surfaces = analyzer.prepare(text, folded)
        return cls(text, folded, votes, language_of(votes, text), prepared, surfaces, analyzer)

    def tokens(self, lang: str) -> list[str]:
        """The normalized tokens in `lang` ('id', 'ko' or 'en'), computed once per language."""
        found = self._tokens.get(lang)
        if found is None:
            found = self._tokens[lang] = self.analyzer.tokens_of(self.prepared, lang)
        return found

    def sentences(self) -> list[str]:
        """The sentences of the text, stripped; one when it has a single sentence."""
        return [s.strip() for s in _SENTENCE.findall(self.text) if s.strip()]


@dataclass(frozen=True)
class Reading:
    """What the engine made of a question."""
    terms: list[QueryTerm]               # its resolved words (of the sentence that decided)
    lang: str                            # the language they were read in
    kinds: frozenset[str]                # the kinds of question it asks (`bot.text.kinds`)
    candidates: list[Candidate]          # the nearest entries, best first
    reply_lang: str                      # the language to reply in
