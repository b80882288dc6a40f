"""Read a knowledge directory, report every problem with file:line:column, build a KnowledgeBase.

Nothing here swaps anything in: a caller gets either a complete KnowledgeBase or the problems,
so a broken file can never replace a working knowledge base.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, NamedTuple

from bot import LANGUAGES
from bot.knowledge.events import Event, parse_offset, zone_or_none
from bot.knowledge.located import MAX_FILE_BYTES, N_, LList, LMap, Mark, YamlProblem, parse_yaml
from bot.knowledge.model import Entry, Fact, KnowledgeBase, Name
from bot.knowledge.template import TemplateError, placeholders

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FILE_KEYS = {"languages", "facts", "names", "synonyms", "topics", "entries", "events"}
EVENT_KEYS = {"id", "title", "description", "start", "end", "timezone", "venue", "reminders"}
ENTRY_KEYS = {"id", "kind", "topic", "questions", "answer", "related"}
ENTRY_KINDS = ("fact", "smalltalk", "events", "past_events")   # the last two answer with the event list
_DUPLICATE = {
    "entry": N_("duplicate entry id {key!r} (first defined at {where})"),
    "symbol": N_("{key!r} is defined twice as a fact or name (first at {where})"),
    "topic": N_("duplicate topic {key!r} (first defined at {where})"),
    "event": N_("duplicate event id {key!r} (first defined at {where})"),
}


class Msg(NamedTuple):
    """A translatable piece inside another message ("the answer of 'kitb-area'")."""
    message: str
    params: dict

    def render(self, gettext) -> str:
        return gettext(self.message).format(**_render_params(self.params, gettext))


def _render_params(params: dict, gettext) -> dict:
    return {k: v.render(gettext) if isinstance(v, Msg) else v for k, v in params.items()}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str                     # an English msgid with {placeholders}; translate, then format
    params: dict = field(default_factory=dict)
    warning: bool = False

    def render(self, gettext=lambda s: s) -> str:
        text = gettext(self.message).format(**_render_params(self.params, gettext))
        kind = gettext("warning") if self.warning else gettext("error")
        return f"{self.file}:{self.line}:{self.column}: {kind}: {text}"


@dataclass(frozen=True)
class Source:
    name: str      # shown in messages, e.g. "kitb.yaml"
    data: bytes


@dataclass
class LoadResult:
    kb: KnowledgeBase | None
    problems: list[Problem]
    index: Any = None        # the matcher's Index of `kb`, built once while checking it

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


def knowledge_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.yaml") if not p.name.startswith(("_", ".")))


def read_sources(directory: Path) -> tuple[list[Source], list[Problem]]:
    directory = Path(directory)
    if not directory.is_dir():
        return [], [Problem(str(directory), 1, 1, N_("the knowledge directory does not exist"))]
    sources, problems = [], []
    for path in knowledge_files(directory):
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:   # refuse before reading it into memory
            problems.append(Problem(path.name, 1, 1, N_("the file is {size} bytes; the limit is {limit} bytes"),
                                    {"size": size, "limit": MAX_FILE_BYTES}))
            continue
        sources.append(Source(path.name, path.read_bytes()))
    if not sources and not problems:
        problems.append(Problem(str(directory), 1, 1, N_("no .yaml files in the knowledge directory")))
    return sources, problems


def load_directory(directory: Path, strict: bool = False) -> LoadResult:
    sources, problems = read_sources(directory)
    result = load_sources(sources, strict=strict)
    result.problems[:0] = problems
    if problems:
        result.kb = result.index = None
    return result


def load_sources(sources: Iterable[Source], strict: bool = False) -> LoadResult:
    builder = _Builder()
    sources = list(sources)
    for source in sources:
        builder.add_file(source)
    kb = builder.finish(sources)
    problems = builder.problems
    index = None
    if kb is not None:
        from bot.matcher import Index, phrasing_collisions  # the matcher decides what "too alike" means
        index = Index(kb)
        for first, second, lang in phrasing_collisions(index):
            file, line = builder.phrasing_marks.get((second.entry_id, lang, second.index), ("?", Mark(1, 1)))
            problems.append(Problem(file, line.line, line.column,
                                    N_("phrasing {text!r} of {entry} is too alike {other_text!r} of {other} "
                                       "to tell them apart"),
                                    {"text": second.text, "entry": second.entry_id,
                                     "other_text": first.text, "other": first.entry_id},
                                    warning=not strict))
    if kb is not None:
        from bot.knowledge.sendable import long_answers
        problems += long_answers(kb)
    if any(not p.warning for p in problems):
        kb = index = None
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return LoadResult(kb, problems, index)


class _Builder:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.facts: dict[str, Fact] = {}
        self.names: dict[str, Name] = {}
        self.topics: dict[str, dict[str, str]] = {}
        self.synonyms: dict[str, tuple[str, ...]] = {}
        self.events: list[tuple[Event, str, LMap]] = []
        self.entries: list[tuple[Entry, str, LMap]] = []          # entry, file, its raw mapping
        self.first_seen: dict[tuple[str, str], tuple[str, Mark]] = {}
        self.phrasing_marks: dict[tuple[str, str, int], tuple[str, Mark]] = {}

    def problem(self, file: str, mark: Mark, message: str, **params: Any) -> None:
        self.problems.append(Problem(file, mark.line, mark.column, message, params))

    def once(self, kind: str, key: str, file: str, mark: Mark) -> bool:
        """True the first time (kind, key) is defined; otherwise report the duplicate."""
        if (kind, key) in self.first_seen:
            first_file, first_mark = self.first_seen[(kind, key)]
            self.problem(file, mark, _DUPLICATE[kind], key=key, where=f"{first_file}:{first_mark.line}")
            return False
        self.first_seen[(kind, key)] = (file, mark)
        return True

    # -- files -------------------------------------------------------------------------------
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
            self.add_events(file, doc["events"], doc.mark_of("events"), languages)
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

    def localized(self, file: str, value: Any, mark: Mark, what: Msg, languages: Iterable[str]) -> dict[str, Any]:
        """Check a {lang: value} mapping has exactly `languages`; return what is usable."""
        languages = tuple(languages)
        if not isinstance(value, LMap):
            self.problem(file, mark, N_("{what} must be a mapping of language to text ({expected})"),
                         what=what, expected=", ".join(languages))
            return {}
        missing = [lang for lang in languages if lang not in value]
        if missing:
            self.problem(file, value.mark, N_("{what} is missing the language(s): {missing}"),
                         what=what, missing=", ".join(missing))
        for key in value:
            if key not in languages:
                self.problem(file, value.key_marks[key],
                             N_("{what} has the language {lang!r}, which this file does not declare ({expected})"),
                             what=what, lang=key, expected=", ".join(languages))
        return {k: v for k, v in value.items() if k in languages}

    # -- facts, names, synonyms, topics --------------------------------------------------------
    def keyed(self, file: str, section: Any, mark: Mark, not_a_mapping: str):
        """(key, value, key's mark) of a `name: value` section, reporting bad keys and non-mappings."""
        if not isinstance(section, LMap):
            self.problem(file, mark, not_a_mapping)
            return
        for key, value in section.items():
            where = section.key_marks[key]
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                self.problem(file, where, N_("the name {key!r} must be lowercase letters, digits and '_'"), key=key)
                continue
            yield key, value, where

    def add_facts(self, file: str, facts: Any, mark: Mark) -> None:
        for key, value, where in self.keyed(file, facts, mark, N_("'facts' must be a mapping of name to value")):
            fact = self.fact(file, key, value, facts.mark_of(key))
            if fact and self.once("symbol", key, file, where):
                self.facts[key] = fact

    def fact(self, file: str, key: str, value: Any, mark: Mark) -> Fact | None:
        if isinstance(value, LMap) and set(value) == {"year"} and type(value["year"]) is int:
            return Fact(key, "year", value["year"])
        if isinstance(value, dt.datetime):
            self.problem(file, mark, N_("the fact {key!r} has a time; write a date such as 2023-07-07"), key=key)
            return None
        if isinstance(value, dt.date):
            return Fact(key, "date", value)
        if type(value) in (int, float):
            return Fact(key, "number", value)
        self.problem(file, mark, N_("the fact {key!r} must be a number, a date (2023-07-07) or {{year: 2024}}"),
                     key=key)
        return None

    def add_names(self, file: str, names: Any, mark: Mark) -> None:
        for key, value, where in self.keyed(file, names, mark,
                                            N_("'names' must be a mapping of name to its spellings")):
            if not isinstance(value, LMap):
                self.problem(file, names.mark_of(key), N_("the name {key!r} needs its spelling per language"), key=key)
                continue
            aliases = value.get("aliases", LList())
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                self.problem(file, value.mark_of("aliases"), N_("'aliases' must be a list of texts"))
                aliases = []
            display = {k: v for k, v in value.items() if k != "aliases"}
            shown = LMap(display, mark=value.mark)
            shown.key_marks, shown.value_marks = value.key_marks, value.value_marks
            what = Msg(N_("the name {key!r}"), {"key": key})
            display = self.localized(file, shown, value.mark, what, LANGUAGES)
            self.texts(file, display, shown, what)
            if self.once("symbol", key, file, where):
                self.names[key] = Name(key, MappingProxyType(dict(display)), tuple(aliases))

    def add_synonyms(self, file: str, synonyms: Any, mark: Mark) -> None:
        for key, words, where in self.keyed(file, synonyms, mark,
                                            N_("'synonyms' must be a mapping of a concept to the words that mean it")):
            if not isinstance(words, LList) or len(words) < 2 or not all(isinstance(w, str) and w.strip()
                                                                          for w in words):
                self.problem(file, synonyms.mark_of(key), N_("the synonyms {key!r} must be a list of at least "
                                                             "two texts"), key=key)
                continue
            if self.once("symbol", key, file, where):
                self.synonyms[key] = tuple(words)

    def add_topics(self, file: str, topics: Any, mark: Mark) -> None:
        if not isinstance(topics, LMap):
            self.problem(file, mark, N_("'topics' must be a mapping of topic to its title per language"))
            return
        for key, value in topics.items():
            where = topics.key_marks[key]
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                self.problem(file, where, N_("the name {key!r} must be lowercase letters, digits and '_'"), key=key)
                continue
            what = Msg(N_("the topic {key!r}"), {"key": key})
            titles = self.localized(file, value, topics.mark_of(key), what, LANGUAGES)
            self.texts(file, titles, value, what)
            if self.once("topic", key, file, where):
                self.topics[key] = MappingProxyType(dict(titles))

    def texts(self, file: str, values: dict, raw: Any, what: Msg) -> None:
        for lang, text in list(values.items()):
            if not isinstance(text, str) or not text.strip():
                self.problem(file, raw.mark_of(lang) if isinstance(raw, LMap) else Mark(1, 1),
                             N_("{what} needs a non-empty text in {lang!r}"), what=what, lang=lang)
                del values[lang]

    # -- entries -------------------------------------------------------------------------------
    def add_entry(self, file: str, raw: Any, mark: Mark, languages: tuple[str, ...]) -> None:
        if not isinstance(raw, LMap):
            self.problem(file, mark, N_("an entry must be a mapping with id, questions and answer"))
            return
        for key in raw:
            if key not in ENTRY_KEYS:
                self.problem(file, raw.key_marks[key], N_("unknown key {key!r} in an entry; expected one of: {expected}"),
                             key=key, expected=", ".join(sorted(ENTRY_KEYS)))
        entry_id = raw.get("id")
        if entry_id is None:
            self.problem(file, raw.mark, N_("the entry has no 'id'"))
            return
        if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
            self.problem(file, raw.mark_of("id"), N_("the id {id!r} must be 1–40 lowercase letters, digits and '-'"),
                         id=entry_id)
            return
        ok = self.once("entry", entry_id, file, raw.mark_of("id"))
        what = Msg(N_("the entry {id!r}"), {"id": entry_id})
        kind = raw.get("kind", "fact")
        if kind not in ENTRY_KINDS:
            self.problem(file, raw.mark_of("kind"), N_("'kind' must be one of: {expected}"),
                         expected=", ".join(ENTRY_KINDS))
        questions: dict[str, tuple[str, ...]] = {}
        if "questions" not in raw:
            self.problem(file, raw.mark, N_("{what} has no 'questions'"), what=what)
        else:
            for lang, phrasings in self.localized(file, raw["questions"], raw.mark_of("questions"),
                                                  Msg(N_("the questions of {entry!r}"), {"entry": entry_id}),
                                                  languages).items():
                usable = self.phrasings(file, entry_id, lang, phrasings, raw["questions"].mark_of(lang))
                if usable:
                    questions[lang] = usable
        answers: dict[str, str] = {}
        if "answer" not in raw:
            self.problem(file, raw.mark, N_("{what} has no 'answer'"), what=what)
        else:
            what_answer = Msg(N_("the answer of {entry!r}"), {"entry": entry_id})
            answers = self.localized(file, raw["answer"], raw.mark_of("answer"), what_answer, languages)
            self.texts(file, answers, raw["answer"], what_answer)
        related = raw.get("related", LList())
        if not isinstance(related, LList) or not all(isinstance(r, str) for r in related):
            self.problem(file, raw.mark_of("related"), N_("'related' must be a list of entry ids"))
            related = LList()
        topic = raw.get("topic")
        if topic is not None and not isinstance(topic, str):
            self.problem(file, raw.mark_of("topic"), N_("'topic' must be the key of a topic"))
            topic = None
        if ok and questions and answers:
            entry = Entry(entry_id, kind, topic, MappingProxyType(questions), MappingProxyType(answers),
                          tuple(related), f"{file}:{raw.mark.line}")
            self.entries.append((entry, file, raw))

    def phrasings(self, file: str, entry_id: str, lang: str, value: Any, mark: Mark) -> tuple[str, ...]:
        if isinstance(value, str):
            value = LList([value], mark=mark)
        if not isinstance(value, LList) or not value:
            self.problem(file, mark, N_("the questions of {entry!r} in {lang!r} must be a non-empty list of texts"),
                         entry=entry_id, lang=lang)
            return ()
        usable = []
        for text, where in zip(value, value.item_marks):
            if not isinstance(text, str) or not text.strip():
                self.problem(file, where, N_("a question must be a non-empty text"))
                continue
            self.phrasing_marks[(entry_id, lang, len(usable))] = (file, where)
            usable.append(text.strip())
        return tuple(usable)

    # -- events --------------------------------------------------------------------------------
    def add_events(self, file: str, events: Any, mark: Mark, languages: tuple[str, ...]) -> None:
        if not isinstance(events, LList):
            self.problem(file, mark, N_("'events' must be a list"))
            return
        for raw, where in zip(events, events.item_marks):
            event = self.event(file, raw, where, languages)
            if event is not None:
                self.events.append((event, file, raw))

    def event(self, file: str, raw: Any, mark: Mark, languages: tuple[str, ...]) -> Event | None:
        if not isinstance(raw, LMap):
            self.problem(file, mark, N_("an event must be a mapping with id, title, start and timezone"))
            return None
        for key in raw:
            if key not in EVENT_KEYS:
                self.problem(file, raw.key_marks[key], N_("unknown key {key!r} in an event; expected one of: {expected}"),
                             key=key, expected=", ".join(sorted(EVENT_KEYS)))
        event_id = raw.get("id")
        if not isinstance(event_id, str) or not ID_PATTERN.match(event_id):
            self.problem(file, raw.mark_of("id"), N_("the id {id!r} must be 1–40 lowercase letters, digits and '-'"),
                         id=event_id)
            return None
        ok = self.once("event", event_id, file, raw.mark_of("id"))
        texts = {}
        for key, required in (("title", True), ("description", False), ("venue", False)):
            if key not in raw:
                if required:
                    self.problem(file, raw.mark, N_("the event {id!r} has no {key!r}"), id=event_id, key=key)
                texts[key] = {}
                continue
            what = Msg(N_("the {key} of the event {id!r}"), {"key": key, "id": event_id})
            texts[key] = self.localized(file, raw[key], raw.mark_of(key), what, languages)
            self.texts(file, texts[key], raw[key], what)
        zone_name = raw.get("timezone")
        zone = zone_or_none(zone_name) if isinstance(zone_name, str) else None
        if zone is None:
            self.problem(file, raw.mark_of("timezone") if "timezone" in raw else raw.mark,
                         N_("the event {id!r} needs a known 'timezone' such as Asia/Jakarta or Asia/Seoul (got {value!r})"),
                         id=event_id, value=zone_name)
        start = self.event_time(file, raw, "start", event_id, zone, required=True)
        end = self.event_time(file, raw, "end", event_id, zone, required=False)
        if start is not None and end is not None:
            if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
                self.problem(file, raw.mark_of("end"), N_("the end of the event {id!r} must be a date when its start "
                                                          "is a date, and a time when its start is a time"), id=event_id)
                end = None
            elif end < start:
                self.problem(file, raw.mark_of("end"), N_("the event {id!r} ends before it starts"), id=event_id)
                end = None
        reminders = []
        raw_reminders = raw.get("reminders", LList())
        if not isinstance(raw_reminders, LList):
            self.problem(file, raw.mark_of("reminders"), N_("'reminders' must be a list such as [7d, 1d, 1h]"))
            raw_reminders = LList()
        for text, where in zip(raw_reminders, raw_reminders.item_marks):
            offset = parse_offset(text)
            if offset is None or offset <= dt.timedelta(0):
                self.problem(file, where, N_("the reminder {value!r} must be a number of days, hours or minutes "
                                             "before the start, such as 7d, 1d, 1h or 30m"), value=text)
            elif start is not None and not isinstance(start, dt.datetime) and offset % dt.timedelta(days=1):
                self.problem(file, where, N_("the event {id!r} lasts whole days, so its reminders must be whole "
                                             "days (such as 1d); {value!r} is not"), id=event_id, value=text)
            else:
                reminders.append(offset)
        if not ok or start is None or zone is None or not texts["title"]:
            return None
        return Event(event_id, MappingProxyType(texts["title"]), MappingProxyType(texts["description"]), start, end,
                     zone_name, MappingProxyType(texts["venue"]), tuple(sorted(set(reminders), reverse=True)),
                     f"{file}:{raw.mark.line}")

    def event_time(self, file: str, raw: LMap, key: str, event_id: str, zone, required: bool):
        """A date, or a date and time made aware in `zone` (an explicit UTC offset is kept)."""
        if key not in raw:
            if required:
                self.problem(file, raw.mark, N_("the event {id!r} has no {key!r}"), id=event_id, key=key)
            return None
        value = raw[key]
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                value = None
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=zone) if zone is not None else None
            return value
        if isinstance(value, dt.date):
            return value
        self.problem(file, raw.mark_of(key), N_("the {key} of the event {id!r} must be a date (2023-07-07) or a date "
                                                "and time (2026-12-01 09:00)"), key=key, id=event_id)
        return None

    # -- cross-references ----------------------------------------------------------------------
    def finish(self, sources: list[Source]) -> KnowledgeBase | None:
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
            for lang, template in entry.answer.items():
                self.check_template(file, raw["answer"].mark_of(lang), entry.id, lang, template)
        for event, file, raw in self.events:
            for key, texts in (("title", event.title), ("description", event.description), ("venue", event.venue)):
                for lang, template in texts.items():
                    self.check_template(file, raw[key].mark_of(lang), event.id, lang, template)
        if any(not p.warning for p in self.problems):
            return None
        if not sources:
            return None
        if not self.entries:
            self.problems.append(Problem(sources[0].name, 1, 1, N_("the knowledge base has no entries")))
            return None
        digest = hashlib.sha256()
        files = {}
        for source in sorted(sources, key=lambda s: s.name):
            files[source.name] = hashlib.sha256(source.data).hexdigest()[:12]
            digest.update(source.name.encode() + b"\0" + source.data + b"\0")
        return KnowledgeBase(
            entries=tuple(entry for entry, _, _ in self.entries),
            facts=MappingProxyType(self.facts), names=MappingProxyType(self.names),
            synonyms=MappingProxyType(self.synonyms),
            events=tuple(event for event, _, _ in self.events),
            topics=MappingProxyType(self.topics), version=digest.hexdigest()[:12],
            files=MappingProxyType(files),
        )

    def check_template(self, file: str, mark: Mark, entry_id: str, lang: str, template: str) -> None:
        try:
            found = placeholders(template)
        except TemplateError as exc:
            self.problem(file, mark, N_("the {lang!r} answer of {entry!r} has a stray brace at character {pos}; "
                                        "write {{{{ or }}}} for a literal brace"),
                         lang=lang, entry=entry_id, pos=exc.offset + 1)
            return
        for ph in found:
            if ph.name in self.facts:
                allowed = self.facts[ph.name].styles()
            elif ph.name in self.names:
                allowed = {None}
            else:
                self.problem(file, mark, N_("the {lang!r} answer of {entry!r} uses {{{name}}}, but no fact or "
                                            "name is called {name!r}"), lang=lang, entry=entry_id, name=ph.name)
                continue
            if ph.style not in allowed:
                self.problem(file, mark, N_("{{{name}:{style}}} in the {lang!r} answer of {entry!r}: {name!r} has no "
                                            "style {style!r} (styles: {expected})"),
                             name=ph.name, style=ph.style, lang=lang, entry=entry_id,
                             expected=", ".join(sorted(s for s in allowed if s)) or "-")
