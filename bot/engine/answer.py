"""Question → answer, partial reply, "did you mean" or fallback, in the asker's language.

A question is analyzed once (`bot.engine.question`); the index ranks entries (`bot.engine.retrieval`);
a rule calibrated on the base when it loads decides (`bot.engine.decision`). A question that asks
what the best entry does not hold (another party, a number it never mentions, a kind of question
it is never asked; `bot.engine.scope`) is never answered with it: when only the kind of detail is
missing ("what time was the MoU signed"), the reply says that the report does not give it, then
what the report says; otherwise "did you mean" at most.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Sequence

from bot import LANGUAGES
from bot.engine.decision import Calibration, Traffic, calibrate
from bot.engine.evidence import evidence
from bot.engine.phrasing_checks import phrasing_collisions, wordless_phrasings
from bot.engine.question import MAX_QUESTION_CHARS, Question, Reading
from bot.engine.replies import MISSING, Choice, Ranked, Reply
from bot.engine.retrieval import Candidate, Index, LeaveOut, QueryTerm
from bot.engine.scope import Scope
from bot.engine.translation import answer_language, untranslated_note
from bot.i18n import Catalogs, _
from bot.knowledge.events import event_text, past, upcoming
from bot.knowledge.loader import LoadResult, Problem, phrasing_problem
from bot.knowledge.located import N_
from bot.knowledge.model import Entry, KnowledgeBase
from bot.text.kinds import DETAILS, PARENT, PARENT_WORDS
from bot.text.normalize import Analyzer

__all__ = ["Choice", "Engine", "Ranked", "Reply", "build_engine"]

MAX_SENTENCES = 8          # of a long message, the last distinct sentences are tried one by one
RECENT_QUESTIONS = 4096    # readings kept per engine: FAQ traffic repeats its questions


class Engine:
    """One knowledge-base snapshot with its index and calibrated decision rule; swap the whole
    Engine to reload. Building it indexes and calibrates the base (about a second for a few
    thousand phrasings)."""

    def __init__(self, kb: KnowledgeBase, catalogs: Catalogs, default_language: str = "en",
                 traffic: Traffic = Traffic()):
        groups = [(name.key, name.spellings()) for name in kb.names.values()] + list(kb.synonyms.items())
        self._attach(kb, Index(kb, Analyzer(groups)), catalogs, default_language)
        self.calibration: Calibration = calibrate(self.index, self.scope, self.answerable, traffic)
        self.rule = self.calibration.rule

    @classmethod
    def restore(cls, kb: KnowledgeBase, index: Index, calibration: Calibration, catalogs: Catalogs,
                default_language: str = "en") -> Engine:
        """An engine from parts built earlier for the same knowledge base (`bot.engine.cache`)."""
        engine = cls.__new__(cls)
        engine._attach(kb, index, catalogs, default_language)
        engine.calibration, engine.rule = calibration, calibration.rule
        return engine

    def _attach(self, kb: KnowledgeBase, index: Index, catalogs: Catalogs, default_language: str) -> None:
        self.kb = kb
        self.catalogs = catalogs
        self.default_language = default_language
        self.index = index
        # Reading is a pure function of the question and this immutable snapshot, so it is kept for
        # recent questions; a reload swaps the whole engine, and its memory with it.
        self._recent: dict[tuple[str, str | None, str | None], Reading] = {}
        self.scope = Scope(index)

    def ask(self, question: str, lang: str | None = None, preferred: str | None = None,
            now: dt.datetime | None = None) -> Reply:
        """Answer `question` (any string). `lang` forces the reply language; `preferred` is the
        asker's chosen language, used when the text does not show one; `now` (default: the clock)
        decides which events are upcoming. Never raises on any text."""
        reading = self.read(question, lang, preferred)
        reply = self.decide(reading, now, preferred)
        ranked = tuple(Ranked(self.kb.entries[c.entry_index].id, round(c.confidence, 4))
                       for c in reading.candidates[:3])
        return replace(reply, candidates=ranked)

    def read(self, text: str, lang: str | None = None, preferred: str | None = None) -> Reading:
        """What the engine makes of `text` (kept for the most recent questions)."""
        key = (text[:MAX_QUESTION_CHARS], lang, preferred)
        found = self._recent.get(key)
        if found is None:
            found = self._read(Question.read(text, self.index.analyzer), lang, preferred)
            self._recent[key] = found
            if len(self._recent) > RECENT_QUESTIONS:
                self._recent.pop(next(iter(self._recent)), None)     # the oldest: a FIFO bound is enough
        return found

    def _read(self, question: Question, lang: str | None, preferred: str | None, limit: int = 5) -> Reading:
        """Rank, and choose the reply language. A long message is also tried sentence by sentence:
        the question is often the last of several."""
        fallback_lang = preferred if preferred in LANGUAGES else self.default_language
        detected = lang or question.detected
        candidates, terms, read_in = self._search(question, detected or fallback_lang, lang)
        reply_lang = detected or self._vote(terms) or self._vote_spellings(question) or fallback_lang
        sentences = question.sentences()
        if len(sentences) > 1:
            # Sentences that end with a question mark are the questions; a greeting before them is not.
            asked = [s for s in sentences if s.endswith(("?", "？"))] or sentences
            # Each distinct sentence once, the last ones only: a flood of lines costs a few searches.
            for sentence in list(dict.fromkeys(asked))[-MAX_SENTENCES:]:
                found, found_terms, found_in = self._search(Question.read(sentence, self.index.analyzer),
                                                            reply_lang, lang)
                if found and (not candidates or self._weight(found) > self._weight(candidates)):
                    candidates, terms, read_in = found, found_terms, found_in
        return Reading(terms, read_in, self.scope.question_kinds(terms), candidates[:limit], reply_lang)

    def _search(self, question: Question, reply_lang: str,
                forced: str | None) -> tuple[list[Candidate], list[QueryTerm], str]:
        """Latin text is analyzed with the rules of its own language when it shows one, otherwise
        with Indonesian and English rules, keeping the better ranking."""
        detected = forced or question.detected
        tries = [detected] if detected is not None else sorted(
            ("id", "en"), key=lambda code: (-question.votes[code], code != reply_lang))
        best: tuple[list[Candidate], list[QueryTerm], str] | None = None
        for code in tries:
            terms = self.index.terms(question.text, code, question.tokens(code))
            found = self.index.rank(terms, 5)
            if best is None or _strength(found) > _strength(best[0]):
                best = found, terms, code
        assert best is not None
        return best

    def _vote(self, terms: Sequence[QueryTerm]) -> str | None:
        """No grammar word shows the language ('luas kitb'): the plain words vote with the
        languages of the phrasings that use them. Names and synonym groups are every language's."""
        votes = {"id": 0.0, "en": 0.0}
        for term in terms:
            if term.token_id is None or self.index.words[term.token_id].startswith("@"):
                continue
            for code in self.index.token_langs[term.token_id] & votes.keys():
                votes[code] += float(self.index.idf[term.token_id])
        return _majority(votes)

    def _vote_spellings(self, question: Question) -> str | None:
        """Still no sign ('luas kitb'): the spellings that became a name or synonym token vote with
        the languages of the phrasings that use those spellings."""
        votes = {"id": 0.0, "en": 0.0}
        for form in question.surfaces:
            for code in self.index.surface_langs.get(form, set()) & votes.keys():
                votes[code] += 1
        return _majority(votes)

    def _weight(self, candidates: Sequence[Candidate]) -> tuple[bool, float]:
        """How a sentence's ranking compares with the message's: first whether it is about a fact
        (small talk wrapped around a question, 'hello! tell me about the mou', loses to it), then
        its strength."""
        best = candidates[0]
        fact = self.kb.entries[best.entry_index].kind != "smalltalk" and best.confidence >= self.rule.clarify_score
        return fact, _strength(candidates)

    def answerable(self, best: Candidate, terms: Sequence[QueryTerm], leave_out: LeaveOut | None = None) -> bool:
        """False when the question asks what the entry does not hold (`bot.engine.scope.Scope.answerable`)."""
        return self.scope.answerable(best.entry_index, terms, leave_out)

    @staticmethod
    def _is_own_phrasing(best: Candidate, candidates: Sequence[Candidate]) -> bool:
        def exact(c: Candidate) -> bool:
            return c.f1 >= 0.999 and c.similarity >= 0.999
        return exact(best) and not any(exact(c) for c in candidates[1:])

    def decide(self, reading: Reading, now: dt.datetime | None = None, preferred: str | None = None) -> Reply:
        """The reply to a question the engine has read (`preferred`: the asker's next language, for
        an answer not translated into the reply's)."""
        candidates, terms, lang = reading.candidates, reading.terms, reading.reply_lang
        if not candidates:
            return self.fallback(lang, 0.0)
        best = candidates[0]
        score = best.confidence
        if self.scope.answerable(best.entry_index, terms, asked=reading.kinds):
            found = evidence(self.scope, candidates, terms)
            if self._is_own_phrasing(best, candidates) or self.rule.answers(found, best.entry_index):
                reply = self.answer(self.kb.entries[best.entry_index], lang, score, now, preferred)
                if self._is_own_phrasing(best, candidates) or not self.rule.with_alternatives(found, best.entry_index):
                    return reply
                # Probably right: the answer first, the entries the rule could not rule out under it.
                others = [c for c in candidates[1:3] if self.rule.offers(score, c.confidence)]
                return replace(reply, choices=tuple(self.choice(self.kb.entries[c.entry_index], lang)
                                                    for c in others))
        partial = self._partial(reading, now, preferred)
        if partial is not None:
            return partial
        if score < self.rule.clarify_score:
            return self.fallback(lang, score)
        close = [best] + [c for c in candidates[1:3] if self.rule.offers(score, c.confidence)]
        choices = tuple(self.choice(self.kb.entries[c.entry_index], lang) for c in close)
        prompt = self.catalogs.gettext(lang, _("Did you mean:"))
        return Reply("clarify", lang, prompt, score, None, choices)

    def _partial(self, reading: Reading, now: dt.datetime | None, preferred: str | None = None) -> Reply | None:
        """When the question asks a detail the report lacks about what an entry holds ('what time
        was the MoU signed', 'LG invest brp triliun'): that the report does not give it, then the
        entry's answer. The rest of the question (without the detail's words, with the coarser
        question word in place of a finer one: 'what time' → 'when') must be clearly about that
        entry: it ranks first, holds the question's parties and numbers, and either names one of
        them, with every topical word of it in the entry and a confidence that reaches "did you
        mean", or the rule would answer with it."""
        details = reading.kinds & set(DETAILS)
        if not details:
            return None
        rest = self.scope.without_kinds(reading.terms, details)
        for parent in {PARENT[k] for k in details if k in PARENT} - reading.kinds:
            rest += self.index.terms(PARENT_WORDS[parent][reading.lang], reading.lang)
        ranked = self.index.rank(rest, 3)
        if not ranked:
            return None
        entry = ranked[0].entry_index
        missing = self.scope.missing_kinds(entry, reading.kinds)
        if not missing or not missing <= details or not self.scope.subject_held(entry, reading.terms) \
                or not self.scope.answerable(entry, rest):
            return None
        named = any(self.index.words[t.token_id] in self.scope.names for t in rest if t.token_id is not None)
        if (named and ranked[0].confidence >= self.rule.clarify_score
                and self.scope.topical_share(entry, rest) == 1.0) or \
                self.rule.answers(evidence(self.scope, ranked, rest), entry):
            return self.partial(self.kb.entries[entry], reading.reply_lang, missing, ranked[0].confidence, now,
                                preferred)
        return None

    def partial(self, entry: Entry, lang: str, missing: frozenset[str], score: float,
                now: dt.datetime | None = None, preferred: str | None = None) -> Reply:
        """What the report does not give (the first missing kind, in the order of `DETAILS`), then
        the entry's answer."""
        # The finest kind first: 'brp triliun' misses an amount, and so a figure.
        kinds = tuple(sorted((k for k in DETAILS if k in missing), key=lambda k: k not in PARENT))
        answer = self.answer(entry, lang, score, now, preferred)
        text = self.catalogs.gettext(lang, MISSING[kinds[0]]) + "\n\n" + answer.text
        return replace(answer, kind="partial", text=text, missing=kinds)

    def answer(self, entry: Entry, lang: str, score: float = 1.0, now: dt.datetime | None = None,
               preferred: str | None = None) -> Reply:
        """`entry`'s answer for a reader of `lang`; an answer not translated into `lang` comes in
        the reader's `preferred` language, else the default, under a note (bot.engine.translation)."""
        related = tuple(self.choice(self.kb.by_id[r], lang) for r in entry.related if r in self.kb.by_id)
        shown = answer_language(entry, lang, preferred, self.default_language)
        text = self.kb.answer_text(entry, shown)
        if entry.kind in ("events", "past_events"):
            text = self.events_text(text, entry.kind, lang, now or dt.datetime.now(dt.timezone.utc))
        if shown != lang:
            text = untranslated_note(self.catalogs, lang, shown) + "\n" + text
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

    def answer_by_id(self, entry_id: str, lang: str, now: dt.datetime | None = None,
                     preferred: str | None = None) -> Reply | None:
        entry = self.kb.by_id.get(entry_id)
        return self.answer(entry, lang, now=now, preferred=preferred) if entry else None

    def suggestions(self, question: str, preferred: str | None = None, limit: int = 5) -> list[Reply]:
        """Up to `limit` plausible answers, best first (inline mode: the user picks one)."""
        reading = self.read(question, None, preferred)
        return [self.answer(self.kb.entries[c.entry_index], reading.reply_lang, c.confidence, preferred=preferred)
                for c in reading.candidates[:limit] if c.confidence >= self.rule.clarify_score]

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


def _strength(candidates: Sequence[Candidate]) -> float:
    """The best entry's confidence plus its lead over the next: which of two rankings is surer."""
    if not candidates:
        return 0.0
    best = candidates[0].confidence
    return 2 * best - max((c.confidence for c in candidates[1:]), default=0.0)


def _majority(votes: dict[str, float]) -> str | None:
    """The Latin-script language with more votes, or None on a tie."""
    return max(votes, key=votes.__getitem__) if votes["id"] != votes["en"] else None


def build_engine(result: LoadResult, catalogs: Catalogs, default_language: str = "en",
                 traffic: Traffic = Traffic(), strict: bool = False) -> tuple[Engine | None, list[Problem]]:
    """The engine for a loaded knowledge base, and every problem: the loader's, plus phrasings of
    two entries that normalize to the same words (no question can prefer one of them). With
    `strict`, warnings count as errors. No engine when there is any error."""
    problems = list(result.problems)
    engine = Engine(result.kb, catalogs, default_language, traffic) if result.kb is not None else None
    if engine is not None:
        for first, second in phrasing_collisions(engine.index):
            problems.append(phrasing_problem(
                result, second.entry_id, second.lang, second.number,
                N_("phrasing {text!r} of {entry} is too alike {other_text!r} of {other} to tell them apart"),
                {"text": second.text, "entry": second.entry_id, "other_text": first.text, "other": first.entry_id},
                warning=True))
        for ref in wordless_phrasings(engine.index):
            problems.append(phrasing_problem(
                result, ref.entry_id, ref.lang, ref.number,
                N_("phrasing {text!r} of {entry} has no word to match (only symbols, emoji, or chat noise)"),
                {"text": ref.text, "entry": ref.entry_id}, warning=True))
    if strict:
        problems = [replace(p, warning=False) for p in problems]
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    if any(not p.warning for p in problems):
        engine = None
    return engine, problems
