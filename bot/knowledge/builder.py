"""Validate the parsed files of a knowledge base and build it: every problem at once, each at file:line.

`Builder` walks each file's sections (facts, names, synonyms, topics, entries, events), reports
what is wrong where it stands, and `finish` cross-checks the whole (topics, related ids, answer
placeholders, words claimed twice) before it returns a KnowledgeBase, or None when anything is
an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable

from bot import LANGUAGES
from bot.knowledge import crosscheck, dating, event_fields
from bot.knowledge.events import Event
from bot.knowledge.located import N_, LList, LMap, Mark, YamlProblem, parse_yaml
from bot.knowledge.model import Entry, Fact, KnowledgeBase, Name
from bot.knowledge.phrasing_marks import PhrasingMarks
from bot.knowledge.problems import Msg, Problem
from bot.knowledge.reporter import Reporter
from bot.knowledge.scalars import ID_PATTERN, fact_of, not_text

FILE_KEYS = {"languages", "facts", "names", "synonyms", "topics", "entries", "events"}
ENTRY_KEYS = {"id", "kind", "topic", "questions", "answer", "related"}
NAME_KEYS = {"aliases", "office"}      # beside the display form per language
ENTRY_KINDS = ("fact", "smalltalk", "events", "past_events")   # the last two answer with the event list


@dataclass(frozen=True)
class Source:
    name: str      # shown in messages, e.g. "kitb.yaml"
    data: bytes


def content_version(sources: Iterable[Source]) -> str:
    """The version of a set of knowledge files: 12 hex digits of a SHA-256 over their names and
    bytes, in name order. The same files give the same version whatever their order or mtime."""
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda s: s.name):
        digest.update(source.name.encode() + b"\0" + source.data + b"\0")
    return digest.hexdigest()[:12]


class Builder(Reporter):
    def __init__(self, strict: bool = False) -> None:
        super().__init__(strict)
        self.facts: dict[str, Fact] = {}
        self.names: dict[str, Name] = {}
        self.topics: dict[str, MappingProxyType[str, str]] = {}
        self.synonyms: dict[str, tuple[str, ...]] = {}
        self.events: list[tuple[Event, str, LMap]] = []
        self.entries: list[tuple[Entry, str, LMap]] = []   # entry, file, what `finish` reads of its raw mapping
        self.phrasing_marks = PhrasingMarks()
        self.words: list[tuple[str, Msg, str, Mark]] = []  # each synonym and name spelling: (text, group, file, mark)
        self.offices: list[tuple[str, str, str, Mark]] = []  # name key, office (a synonym group), file, mark

    # -- files -------------------------------------------------------------------------------
    def check_file_names(self, names: Iterable[str]) -> None:
        """kitb.yaml and kitb.yml side by side are almost always one file under two names."""
        seen: dict[str, str] = {}
        for name in sorted(names):
            stem = name.rsplit(".", 1)[0]
            if stem in seen:
                self.problem(name, Mark(1, 1), N_("{name} and {other} are both in the knowledge directory; "
                                                  "keep one of them"), name=name, other=seen[stem])
            seen.setdefault(stem, name)

    def add_file(self, source: Source) -> None:
        file = source.name
        try:
            doc = parse_yaml(source.data)
        except YamlProblem as exc:
            self.problem(file, exc.mark, exc.message, **exc.params)
            return
        if not isinstance(doc, LMap):
            self.problem(file, getattr(doc, "mark", Mark(1, 1)),
                         N_("the file must be a mapping with an 'entries:' list at the top"))
            return
        for key in doc:
            if key not in FILE_KEYS:
                self.problem(file, doc.key_marks[key], N_("unknown key {key!r}; expected one of: {expected}"),
                             key=key, expected=", ".join(sorted(FILE_KEYS)))
        languages = self.file_languages(file, doc)
        if "facts" in doc:
            self.add_facts(file, doc["facts"], doc.mark_of("facts"))
        if "names" in doc:
            self.add_names(file, doc["names"], doc.mark_of("names"))
        if "synonyms" in doc:
            self.add_synonyms(file, doc["synonyms"], doc.mark_of("synonyms"))
        if "topics" in doc:
            self.add_topics(file, doc["topics"], doc.mark_of("topics"))
        if "entries" not in doc and not FILE_KEYS.intersection(doc) - {"languages"}:
            self.problem(file, doc.mark, N_("the file has no 'entries:' list"))
        if "events" in doc:
            self.events += event_fields.add_events(self, file, doc["events"], doc.mark_of("events"), languages)
        entries = doc.get("entries", LList())
        if not isinstance(entries, LList):
            self.problem(file, doc.mark_of("entries"), N_("'entries' must be a list"))
            return
        for raw, mark in zip(entries, entries.item_marks):
            self.add_entry(file, raw, mark, languages)

    def file_languages(self, file: str, doc: LMap) -> tuple[str, ...]:
        if "languages" not in doc:
            return LANGUAGES
        value, mark = doc["languages"], doc.mark_of("languages")
        if (not isinstance(value, LList) or not value
                or any(lang not in LANGUAGES for lang in value) or len(set(value)) != len(value)):
            self.problem(file, mark, N_("'languages' must be a list of distinct codes among: {expected}"),
                         expected=", ".join(LANGUAGES))
            return LANGUAGES
        return tuple(value)

    # -- facts, names, synonyms, topics --------------------------------------------------------
    def add_facts(self, file: str, facts: Any, mark: Mark) -> None:
        for key, value, where in self.keyed(file, facts, mark, N_("'facts' must be a mapping of name to value")):
            fact, findings = fact_of(key, value, facts.scalar_of(key))
            for finding in findings:
                self.report(file, facts.mark_of(key), finding)
            if fact and self.once("symbol", key, file, where):
                self.facts[key] = fact

    def add_names(self, file: str, names: Any, mark: Mark) -> None:
        for key, value, where in self.keyed(file, names, mark,
                                            N_("'names' must be a mapping of name to its spellings")):
            if not isinstance(value, LMap):
                self.problem(file, names.mark_of(key), N_("the name {key!r} needs its spelling per language"), key=key)
                continue
            group = Msg(crosscheck.NAME, {"key": key})
            errors = self.errors()
            aliases = self.word_list(file, value.get("aliases", LList()), value.mark_of("aliases"), group)
            if aliases is None:
                if self.errors() == errors:
                    self.problem(file, value.mark_of("aliases"), N_("'aliases' must be a list of texts"))
                aliases = []
            office = value.get("office")
            if office is not None and not (self.text(file, value.mark_of("office"), office, value.scalar_of("office"))
                                           and isinstance(office, str)):
                office = None
            if office is not None:
                self.offices.append((key, office.strip(), file, value.mark_of("office")))
            shown = LMap({k: v for k, v in value.items() if k not in NAME_KEYS}, mark=value.mark)
            shown.key_marks, shown.value_marks = value.key_marks, value.value_marks
            shown.key_scalars, shown.scalars = value.key_scalars, value.scalars
            display = self.localized(file, shown, value.mark, group, LANGUAGES)
            self.texts(file, display, shown, group)
            self.words += [(text, group, file, shown.mark_of(lang)) for lang, text in display.items()]
            if self.once("symbol", key, file, where):
                self.names[key] = Name(key, MappingProxyType(dict(display)), tuple(aliases),
                                       office.strip() if isinstance(office, str) else None)

    def word_list(self, file: str, words: Any, mark: Mark, group: Msg) -> list[str] | None:
        """The texts of a list of words (aliases, synonyms), each remembered for the clash check;
        None when it is not a list of non-empty texts (an item YAML retyped is reported here)."""
        if not isinstance(words, LList):
            return None
        usable = []
        for word, where, scalar in zip(words, words.item_marks, words.item_scalars):
            if self.text(file, where, word, scalar):
                usable.append(word)
                self.words.append((word, group, file, where))
        return usable if len(usable) == len(words) else None

    def add_synonyms(self, file: str, synonyms: Any, mark: Mark) -> None:
        for key, words, where in self.keyed(file, synonyms, mark,
                                            N_("'synonyms' must be a mapping of a concept to the words that mean it")):
            errors = self.errors()
            usable = self.word_list(file, words, synonyms.mark_of(key), Msg(N_("the synonyms {key!r}"), {"key": key}))
            if usable is None or len(usable) < 2:
                if self.errors() == errors:
                    self.problem(file, synonyms.mark_of(key), N_("the synonyms {key!r} must be a list of at least "
                                                                 "two texts"), key=key)
                continue
            if self.once("symbol", key, file, where):
                self.synonyms[key] = tuple(usable)

    def add_topics(self, file: str, topics: Any, mark: Mark) -> None:
        for key, value, where in self.keyed(file, topics, mark,
                                            N_("'topics' must be a mapping of topic to its title per language")):
            what = Msg(N_("the topic {key!r}"), {"key": key})
            titles = self.localized(file, value, topics.mark_of(key), what, LANGUAGES)
            self.texts(file, titles, value, what)
            if self.once("topic", key, file, where):
                self.topics[key] = MappingProxyType(dict(titles))

    # -- entries -------------------------------------------------------------------------------
    def add_entry(self, file: str, raw: Any, mark: Mark, languages: tuple[str, ...]) -> None:
        if not isinstance(raw, LMap):
            self.problem(file, mark, N_("an entry must be a mapping with id, questions, and answer"))
            return
        for key in raw:
            if key not in ENTRY_KEYS:
                self.problem(file, raw.key_marks[key],
                             N_("unknown key {key!r} in an entry; expected one of: {expected}"),
                             key=key, expected=", ".join(sorted(ENTRY_KEYS)))
        entry_id = raw.get("id")
        if entry_id is None and "id" not in raw:
            self.problem(file, raw.mark, N_("the entry has no 'id'"))
            return
        if not self.string(file, raw, "id"):
            return
        if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
            self.problem(file, raw.mark_of("id"), N_("the id {id!r} must be 1–40 lowercase letters, digits, and '-'"),
                         id=entry_id)
            return
        ok = self.once("entry", entry_id, file, raw.mark_of("id"))
        what = Msg(N_("the entry {id!r}"), {"id": entry_id})
        kind = raw.get("kind", "fact")
        if self.string(file, raw, "kind") and kind not in ENTRY_KINDS:
            self.problem(file, raw.mark_of("kind"), N_("'kind' must be one of: {expected}"),
                         expected=", ".join(ENTRY_KINDS))
        questions: dict[str, tuple[str, ...]] = {}
        asked: tuple[str, ...] = ()         # the languages the questions are written in
        what_questions = Msg(N_("the questions of {entry!r}"), {"entry": entry_id})
        if "questions" not in raw:
            self.problem(file, raw.mark, N_("{what} has no 'questions'"), what=what)
        else:
            asked = tuple(self.localized(file, raw["questions"], raw.mark_of("questions"), what_questions, languages,
                                         optional=True))
            for lang in asked:
                usable = self.phrasings(file, entry_id, lang, raw["questions"])
                if usable:
                    questions[lang] = usable
        answers: dict[str, str] = {}
        if "answer" not in raw:
            self.problem(file, raw.mark, N_("{what} has no 'answer'"), what=what)
        else:
            what_answer = Msg(N_("the answer of {entry!r}"), {"entry": entry_id})
            answers = self.localized(file, raw["answer"], raw.mark_of("answer"), what_answer, languages,
                                     optional=True)
            untranslated = [lang for lang in languages if lang not in answers]
            if answers and untranslated:
                # Allowed: readers of those languages get another language, with a note (bot.engine.translation).
                self.problem(file, raw["answer"].mark, N_("{what} is not translated into: {missing}; readers of "
                                                          "those languages get another language, with a note"),
                             warning=True, what=what_answer, missing=", ".join(untranslated))
            self.texts(file, answers, raw["answer"], what_answer)
            unasked = [lang for lang in answers if lang not in asked]
            if asked and unasked:
                self.problem(file, raw["questions"].mark, N_("{what} have no phrasing in: {missing}, though the "
                                                             "answer is written in it"),
                             warning=True, what=what_questions, missing=", ".join(unasked))
        related = raw.get("related", LList())
        if not isinstance(related, LList) or not all(isinstance(r, str) for r in related):
            findings = [(where, not_text(item, scalar)) for item, where, scalar in
                        zip(related, getattr(related, "item_marks", []), getattr(related, "item_scalars", []))]
            for where, finding in findings:
                if finding is not None:
                    self.report(file, where, finding)
            if not any(finding for _, finding in findings):
                self.problem(file, raw.mark_of("related"), N_("'related' must be a list of entry ids"))
            related = LList()
        topic = raw.get("topic")
        if topic is not None and not isinstance(topic, str):
            if self.string(file, raw, "topic"):
                self.problem(file, raw.mark_of("topic"), N_("'topic' must be the key of a topic"))
            topic = None
        if ok and questions and answers:
            entry = Entry(entry_id, kind, topic, MappingProxyType(questions), MappingProxyType(answers),
                          tuple(related), f"{file}:{raw.mark.line}")
            self.entries.append((entry, file, _cross_referenced(raw)))

    def phrasings(self, file: str, entry_id: str, lang: str, parent: LMap) -> tuple[str, ...]:
        value, mark = parent[lang], parent.mark_of(lang)
        if isinstance(value, LList):
            items = list(zip(value, value.item_marks, value.item_scalars))
        elif isinstance(value, LMap) or value == "" or (value is None and not getattr(parent.scalar_of(lang),
                                                                                       "text", "")):
            items = []
        else:                       # one phrasing written without a list
            items = [(value, mark, parent.scalar_of(lang))]
        if not items:
            self.problem(file, mark, N_("the questions of {entry!r} in {lang!r} must be a non-empty list of texts"),
                         entry=entry_id, lang=lang)
            return ()
        usable: list[str] = []
        for text, where, scalar in items:
            errors = self.errors()
            if not self.text(file, where, text, scalar):
                if self.errors() == errors:
                    self.problem(file, where, N_("a question must be a non-empty text"))
                continue
            self.phrasing_marks.add(entry_id, lang, len(usable), file, where)
            usable.append(text.strip())
        return tuple(usable)

    # -- cross-references ----------------------------------------------------------------------
    def check_template(self, file: str, mark: Mark, owner_id: str, lang: str, template: str) -> None:
        crosscheck.template(self, self.facts, self.names, file, mark, owner_id, lang, template)

    def texts_to_render(self) -> Iterable[tuple[str, Mark, str, str, str]]:
        """Every answer and event text as (file, mark, owner id, lang, template)."""
        for entry, file, raw in self.entries:
            for lang, template in entry.answer.items():
                yield file, raw["answer"].mark_of(lang), entry.id, lang, template
        for event, file, raw in self.events:
            for key, texts in (("title", event.title), ("description", event.description), ("venue", event.venue)):
                for lang, template in texts.items():
                    yield file, raw[key].mark_of(lang), event.id, lang, template

    def finish(self, sources: list[Source]) -> KnowledgeBase | None:
        """The knowledge base of `sources`, or None when any problem is an error."""
        ids = {entry.id for entry, _, _ in self.entries}
        for entry, file, raw in self.entries:
            if entry.topic is not None and entry.topic not in self.topics:
                self.problem(file, raw.mark_of("topic"), N_("unknown topic {topic!r}; topics are: {expected}"),
                             topic=entry.topic, expected=", ".join(sorted(self.topics)) or "-")
            related = raw.get("related", LList())
            marks = getattr(related, "item_marks", [])
            for target, where in zip(entry.related, marks or [raw.mark] * len(entry.related)):
                if target == entry.id:
                    self.problem(file, where, N_("{entry!r} lists itself as related"), entry=entry.id)
                elif target not in ids:
                    self.problem(file, where, N_("{entry!r} is related to {target!r}, which does not exist"),
                                 entry=entry.id, target=target)
        for file, mark, owner_id, lang, template in self.texts_to_render():
            self.check_template(file, mark, owner_id, lang, template)
        crosscheck.words_claimed_twice(self, self.words)
        for key, office, file, mark in self.offices:
            if office not in self.synonyms:
                self.problem(file, mark, N_("the name {key!r} held the office {office!r}, but no synonym group is "
                                            "called {office!r}"), key=key, office=office)
        dating.check(self, self.names, self.synonyms, self.facts, self.texts_to_render())
        if any(not p.warning for p in self.problems):
            return None
        if not sources:
            return None
        if not self.entries:
            self.problems.append(Problem(sources[0].name, 1, 1, N_("the knowledge base has no entries")))
            return None
        files = {source.name: hashlib.sha256(source.data).hexdigest()[:12]
                 for source in sorted(sources, key=lambda s: s.name)}
        return KnowledgeBase(
            entries=tuple(entry for entry, _, _ in self.entries),
            facts=MappingProxyType(self.facts), names=MappingProxyType(self.names),
            synonyms=MappingProxyType(self.synonyms),
            events=tuple(event for event, _, _ in self.events),
            topics=MappingProxyType(self.topics), version=content_version(sources),
            files=MappingProxyType(files),
        )


def _cross_referenced(raw: LMap) -> LMap:
    """The parts of an entry's raw mapping that `finish` reads (topic, related, answer), with their
    marks. Its questions, most of a large base, are not kept: the parsed files need not all stay
    in memory until the end."""
    kept = LMap({key: raw[key] for key in ("topic", "related", "answer") if key in raw}, mark=raw.mark)
    kept.value_marks = {key: raw.value_marks[key] for key in kept if key in raw.value_marks}
    return kept
