"""Question → Answer, Clarify ("did you mean") or Fallback, in the asker's language.

Two numbers decide: the best entry's score and its margin over the best *other* entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from bot import LANGUAGES
from bot.i18n import Catalogs, _
from bot.knowledge.events import event_text, past, upcoming
from bot.knowledge.model import Entry, KnowledgeBase
from bot.language import detect_language
from bot.matcher import Candidate, Index

ANSWER_SCORE = 0.78        # at least this, and
ANSWER_MARGIN = 0.04       # this far ahead of the next entry: answer;
LONE_SCORE = 0.60          # or at least this and
LONE_MARGIN = 0.20         # this far ahead: no other entry is even a candidate, answer
CLARIFY_SCORE = 0.50       # below this: fallback
CLARIFY_WINDOW = 0.20      # "did you mean" offers entries this close to the best
MIN_COVERAGE = 0.45        # a reply that explains less of the question than this is a fallback
MAX_QUESTION_CHARS = 500   # longer text is cut before matching; nobody asks a FAQ in an essay


@dataclass(frozen=True)
class Choice:
    entry_id: str
    text: str              # the entry's question, in the reader's language


@dataclass(frozen=True)
class Ranked:
    """One of the nearest entries for a question: what nearly matched (tools, /unanswered)."""
    entry_id: str
    score: float           # 0..1, the engine's confidence score for this entry


@dataclass(frozen=True)
class Reply:
    kind: str                        # "answer", "clarify" or "fallback"
    lang: str
    text: str                        # answer, "did you mean" prompt, or fallback text
    score: float = 0.0
    entry_id: str | None = None
    choices: tuple[Choice, ...] = ()
    related: tuple[Choice, ...] = ()
    examples: tuple[str, ...] = field(default=())   # fallback: questions one could ask instead
    candidates: tuple[Ranked, ...] = ()              # the top three entries, best first, on every kind


class Engine:
    """Holds one knowledge-base snapshot and its index; swap the whole Engine to reload."""

    def __init__(self, kb: KnowledgeBase, catalogs: Catalogs, default_language: str = "en",
                 index: Index | None = None):
        self.kb = kb
        self.index = index if index is not None and index.kb is kb else Index(kb)
        self.catalogs = catalogs
        self.default_language = default_language

    def ask(self, question: str, lang: str | None = None, preferred: str | None = None,
            now: dt.datetime | None = None) -> Reply:
        """Answer `question`. `lang` forces the language; `preferred` is the asker's chosen one;
        `now` (default: the clock) decides which events are upcoming."""
        candidates, reply_lang = self._candidates(question, lang, preferred)
        reply = self.decide(candidates, reply_lang, now)
        ranked = tuple(Ranked(self.kb.entries[c.entry_index].id, round(c.score, 4)) for c in candidates[:3])
        return replace(reply, candidates=ranked)

    def _candidates(self, question: str, lang: str | None, preferred: str | None,
                    limit: int = 5) -> tuple[list[Candidate], str]:
        """Ranked candidates and the language to reply in (forced, detected, or decided by evidence)."""
        question = question[:MAX_QUESTION_CHARS]
        detected = lang or detect_language(question)
        if detected is not None:
            candidates, _terms = self.index.search(question, detected, limit=limit)
            return candidates, detected
        return self._search_unclear(question, preferred if preferred in LANGUAGES else self.default_language)

    def _search_unclear(self, question: str, fallback_lang: str) -> tuple[list[Candidate], str]:
        """Latin text with no clear language: try Indonesian and English rules, keep the better, and
        let the plain words it shares with the phrasings vote for the language. Names and synonym
        groups ('kitb', 'thx') are shared by all languages, so they do not vote."""
        best = None
        for lang in ("id", "en"):
            candidates, terms = self.index.search(question, lang)
            top = candidates[0].score if candidates else 0.0
            if best is None or top > best[0]:
                best = (top, candidates, terms)
        _top, candidates, terms = best
        votes = {"id": 0.0, "en": 0.0}
        for term in terms:
            if term.token_id is None or self.index.words[term.token_id].startswith("@"):
                continue
            for lang in self.index.token_langs[term.token_id] & votes.keys():
                votes[lang] += self.index.idf[term.token_id]
        if votes["id"] != votes["en"]:
            return candidates, max(votes, key=votes.__getitem__)
        return candidates, fallback_lang

    def decide(self, candidates: list[Candidate], lang: str, now: dt.datetime | None = None) -> Reply:
        best = candidates[0] if candidates else None
        if best is None or best.score < CLARIFY_SCORE or best.coverage < MIN_COVERAGE:
            return self.fallback(lang, best.score if best else 0.0)
        entry = self.kb.entries[best.entry_index]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        # A number the entry never mentions ('cluster 2', '2단계') means another thing than it answers.
        margin = best.score - runner_up
        confident = (best.score >= ANSWER_SCORE and margin >= ANSWER_MARGIN) or \
            (best.score >= LONE_SCORE and margin >= LONE_MARGIN)
        if confident and not best.missing_number:
            return self.answer(entry, lang, best.score, now)
        close = [c for c in candidates[:3] if c.score >= max(CLARIFY_SCORE, best.score - CLARIFY_WINDOW)
                 and c.coverage >= MIN_COVERAGE]
        choices = tuple(self.choice(self.kb.entries[c.entry_index], lang) for c in close)
        prompt = self.catalogs.gettext(lang, _("Did you mean:"))
        return Reply("clarify", lang, prompt, best.score, None, choices)

    def answer(self, entry: Entry, lang: str, score: float = 1.0, now: dt.datetime | None = None) -> Reply:
        related = tuple(self.choice(self.kb.by_id[r], lang) for r in entry.related if r in self.kb.by_id)
        text = self.kb.answer_text(entry, lang)
        if entry.kind in ("events", "past_events"):
            text = self.events_text(text, entry.kind, lang, now or dt.datetime.now(dt.timezone.utc))
        return Reply("answer", lang, text, score, entry.id, related=related)

    def events_text(self, header: str, kind: str, lang: str, now: dt.datetime) -> str:
        """The entry's answer as a header over the upcoming (or past) events, WIB and KST times."""
        chosen = upcoming(self.kb.events, now) if kind == "events" else past(self.kb.events, now)
        if not chosen:
            message = (_("There are no upcoming events right now.") if kind == "events"
                       else _("There are no past events yet."))
            return self.catalogs.gettext(lang, message)
        render = lambda text: self.kb.render(text, lang)  # noqa: E731
        return "\n\n".join([header] + [event_text(event, lang, render) for event in chosen])

    def answer_by_id(self, entry_id: str, lang: str, now: dt.datetime | None = None) -> Reply | None:
        entry = self.kb.by_id.get(entry_id)
        return self.answer(entry, lang, now=now) if entry else None

    def suggestions(self, question: str, preferred: str | None = None, limit: int = 5) -> list[Reply]:
        """Up to `limit` plausible answers, best first (inline mode: the user picks one)."""
        candidates, lang = self._candidates(question, None, preferred, limit)
        return [self.answer(self.kb.entries[c.entry_index], lang, c.score) for c in candidates[:limit]
                if c.score >= CLARIFY_SCORE and c.coverage >= MIN_COVERAGE]

    def entries_of_topic(self, topic: str) -> list[Entry]:
        return [e for e in self.kb.entries if e.topic == topic]

    def choice(self, entry: Entry, lang: str) -> Choice:
        return Choice(entry.id, self.kb.question_text(entry, lang))

    def fallback(self, lang: str, score: float) -> Reply:
        text = self.catalogs.gettext(lang, _("Sorry, I don't know that yet. I answer questions about the "
                                             "KITB – Chungbuk Technopark MoU and the Central Java – "
                                             "Chungcheongbuk-do partnership."))
        return Reply("fallback", lang, text, score, examples=self.example_questions(lang))

    def example_questions(self, lang: str, count: int = 3) -> tuple[str, ...]:
        """One question from each of the first topics: a hint of what can be asked."""
        examples, topics = [], set()
        for entry in self.kb.entries:
            if entry.kind != "fact" or entry.topic in topics:
                continue
            topics.add(entry.topic)
            examples.append(self.kb.question_text(entry, lang))
            if len(examples) == count:
                break
        return tuple(examples)
