"""Guided edits of entries: change an answer or a fact (/edit, `kb edit`), add an entry (/new,
`kb new`). Each step checks what the administrator typed and says precisely what is wrong; the
draft is kept until Install, /cancel or silence ends it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot import LANGUAGES
from bot.admin.drafts import Draft, DraftDesk, Preview, check_question, check_template, slug, visible
from bot.admin.kb_yaml import FactValue, append_entry, has_fact, set_answer, set_fact
from bot.admin.notice import Notice
from bot.admin.yaml_edit import EditError
from bot.i18n import _
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.scalars import ID_PATTERN
from bot.knowledge.template import TemplateError, placeholders

NEW_ENTRIES_FILE = "new-entries.yaml"      # where /new writes; created when missing
NEW_ENTRIES_HEADER = ("# Entries added with /new in Telegram (or `python -m bot kb new`). Edit them like any\n"
                      "# other file: comments and layout are kept by later changes.\n")
MAX_PHRASINGS = 12                         # phrasings per language a draft holds
_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


@dataclass
class EditDraft(Draft):
    entry_id: str | None = None
    fact: str | None = None
    answer_lang: str | None = None             # the answer language being rewritten


@dataclass
class EntryDraft(Draft):
    questions: dict[str, list[str]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    current: str = ""                          # the language whose question or answer is awaited
    offered: list[str] = field(default_factory=list)   # other languages already asked for (or skipped)
    entry_id: str | None = None


@dataclass(frozen=True)
class Nearest:
    """What a new question is near: the engine's candidates, and the entry that answers it outright."""
    candidates: tuple[tuple[str, float, str], ...]     # (entry id, score 0..1, its question in the language)
    answered_by: str | None


def uses(template: str, name: str) -> bool:
    try:
        return any(p.name == name for p in placeholders(template))
    except TemplateError:
        return False


def fact_users(kb: KnowledgeBase, name: str) -> list[Entry]:
    """The entries whose answer shows the fact or name `name`, in file order."""
    return [entry for entry in kb.entries if any(uses(text, name) for text in entry.answer.values())]


class EntryDesk(DraftDesk):
    # -- finding what to edit ---------------------------------------------------------------------
    def find(self, query: str, lang: str) -> str | list[str]:
        """A fact's name when `query` is one; else the entries it names: its id, or the engine's
        nearest entries for it as a question (best first, at most three)."""
        query = visible(query)
        kb = self.kb
        if query in kb.facts:
            return query
        if query in kb.by_id:
            return [query]
        if not query:
            return []
        reply = self.admin.knowledge.engine.ask(query, preferred=lang)
        return [c.entry_id for c in reply.candidates if c.entry_id in kb.by_id][:3]

    def begin_edit(self, user_id: int, lang: str) -> EditDraft:
        """A draft that does not know yet what it edits (`target_entry`, `target_fact`)."""
        self.store.audit(user_id, "edit", "started")
        return self.start(user_id, EditDraft(lang))

    def target_entry(self, draft: EditDraft, entry_id: str) -> Notice | None:
        if entry_id not in self.kb.by_id:
            return Notice(_("There is no entry {entry} any more."), {"entry": entry_id})
        draft.entry_id, draft.fact, draft.answer_lang, draft.preview = entry_id, None, None, None
        return None

    def target_fact(self, draft: EditDraft, name: str) -> Notice | None:
        if name not in self.kb.facts:
            return Notice(_("There is no fact {name}."), {"name": name})
        draft.fact, draft.answer_lang, draft.preview = name, None, None
        return None

    def placeholders_of(self, entry_id: str) -> list[str]:
        """The facts and names the entry's answers show, in order of first use."""
        seen: dict[str, None] = {}
        for text in self.kb.by_id[entry_id].answer.values():
            try:
                seen.update(dict.fromkeys(p.name for p in placeholders(text)))
            except TemplateError:
                continue
        return list(seen)

    # -- an answer ------------------------------------------------------------------------------------
    async def preview_answer(self, user_id: int | None, draft: EditDraft, text: str) -> Preview | Notice:
        """The entry with its answer in `draft.answer_lang` replaced by `text`, checked."""
        assert draft.entry_id is not None and draft.answer_lang is not None
        text = text.strip()
        problem = check_template(self.kb, text)
        if problem is not None:
            return problem
        entry = self.kb.by_id.get(draft.entry_id)
        if entry is None:
            return Notice(_("There is no entry {entry} any more."), {"entry": draft.entry_id})
        file = entry.source.rsplit(":", 1)[0]
        entry_id, lang = draft.entry_id, draft.answer_lang

        def edit(texts: Mapping[str, str]) -> dict[str, str]:
            if file not in texts:
                raise EditError(_("the entry {entry} is not in this file"), entry=entry_id)
            return {file: set_answer(texts[file], entry_id, lang, text)}
        return await self.preview(user_id, draft, f"edit {entry_id}", edit)

    # -- a fact ------------------------------------------------------------------------------------------
    def parse_fact(self, name: str, text: str) -> FactValue | Notice:
        """The new value of the fact `name`, read as its kind (a number, a date, a year)."""
        fact = self.kb.facts[name]
        text = visible(text)
        if not text:
            return Notice(_("The text is empty. Send the text itself, or /cancel to stop."))
        if fact.kind == "date":
            found = _DAY.match(text)
            try:
                if found:
                    return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
                return dt.date.fromisoformat(text)
            except ValueError:
                return Notice(_("{value} is not a date. Write it as 2023-07-07 or 7/7/2023."), {"value": text})
        if fact.kind == "year":
            if re.fullmatch(r"[12]\d{3}", text):
                return int(text)
            return Notice(_("{value} is not a year. Write four digits, such as 2024."), {"value": text})
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if re.fullmatch(r"-?\d+\.\d+", text) and not re.fullmatch(r"-?\d{1,3}\.\d{3}", text):
            return float(text)
        return Notice(_("{value} is not a number as the knowledge base writes it. Write digits only, such as "
                        "4300, and a dot for a decimal, such as 0.72."), {"value": text})

    async def preview_fact(self, user_id: int | None, draft: EditDraft, text: str) -> Preview | Notice:
        assert draft.fact is not None
        name = draft.fact
        value = self.parse_fact(name, text)
        if isinstance(value, Notice):
            return value

        def edit(texts: Mapping[str, str]) -> dict[str, str]:
            file = next((file for file, content in texts.items() if has_fact(content, name)), None)
            if file is None:
                raise EditError(_("the fact {name} is not in this file"), name=name)
            return {file: set_fact(texts[file], name, value)}
        return await self.preview(user_id, draft, f"edit fact {name}", edit)

    # -- a new entry --------------------------------------------------------------------------------------
    def begin_entry(self, user_id: int, lang: str) -> EntryDraft:
        self.store.audit(user_id, "new", "started")
        return self.start(user_id, EntryDraft(lang, current=lang))

    def add_question(self, draft: EntryDraft, text: str) -> Nearest | Notice:
        """The question in `draft.current`; what it is near when it is the first one."""
        text = text.strip()
        problem = check_question(text)
        if problem is not None:
            return problem
        draft.questions.setdefault(draft.current, [])
        if text.casefold() not in (q.casefold() for q in draft.questions[draft.current]):
            draft.questions[draft.current].append(text)
        engine = self.admin.knowledge.engine
        reply = engine.ask(text, preferred=draft.current)
        candidates = tuple((c.entry_id, c.score, engine.kb.question_text(engine.kb.by_id[c.entry_id], draft.current))
                           for c in reply.candidates if c.entry_id in engine.kb.by_id)
        return Nearest(candidates, reply.entry_id if reply.kind == "answer" else None)

    def add_answer(self, draft: EntryDraft, text: str) -> Notice | None:
        text = text.strip()
        problem = check_template(self.kb, text)
        if problem is None:
            draft.answers[draft.current] = text
        return problem

    def next_entry_language(self, draft: EntryDraft) -> str | None:
        """The next other language to offer (None: all offered); it becomes the current one."""
        for lang in LANGUAGES:
            if lang != draft.lang and lang not in draft.offered:
                draft.offered.append(lang)
                draft.current = lang
                return lang
        draft.current = draft.lang
        return None

    def skip_language(self, draft: EntryDraft) -> None:
        """Leave out the current other language (its question, if already given, too)."""
        if draft.current != draft.lang and draft.current not in draft.answers:
            draft.questions.pop(draft.current, None)

    def add_phrasings(self, draft: EntryDraft, text: str) -> Notice | int:
        """More phrasings in the administrator's language, one per line; how many it has now."""
        lines = [line.strip() for line in (text or "").splitlines() if visible(line)]
        if not lines:
            return Notice(_("The text is empty. Send the text itself, or /cancel to stop."))
        for line in lines:
            problem = check_question(line)
            if problem is not None:
                return problem
        phrasings = draft.questions.setdefault(draft.lang, [])
        for line in lines:
            if line.casefold() not in (q.casefold() for q in phrasings) and len(phrasings) < MAX_PHRASINGS:
                phrasings.append(line)
        return len(phrasings)

    def proposed_id(self, draft: EntryDraft) -> str:
        """An id from the first question (its plain words), free in the knowledge base."""
        kb = self.kb
        first = draft.questions.get(draft.lang, [""])[0]
        return slug(first, lambda candidate: candidate in kb.by_id, "entry")

    def set_entry_id(self, draft: EntryDraft, text: str) -> Notice | None:
        entry_id = visible(text).lower()
        if not ID_PATTERN.match(entry_id):
            return Notice(_("{id} cannot be an id: use 1 to 40 lowercase letters, digits, and '-', such as "
                            "kitb-canteen."), {"id": entry_id or "-"})
        if entry_id in self.kb.by_id:
            return Notice(_("{id} is already the id of an entry. Send another one."), {"id": entry_id})
        draft.entry_id = entry_id
        return None

    async def preview_entry(self, user_id: int | None, draft: EntryDraft) -> Preview | Notice:
        """The new entry appended to new-entries.yaml (created when missing), checked with all files."""
        entry_id = draft.entry_id or self.proposed_id(draft)
        draft.entry_id = entry_id
        languages = [lang for lang in LANGUAGES if lang in draft.answers and draft.questions.get(lang)]
        questions = {lang: draft.questions[lang] for lang in languages}
        answers = {lang: draft.answers[lang] for lang in languages}
        if not answers:
            return Notice(_("The entry has no language with both a question and an answer yet."))

        def edit(texts: Mapping[str, str]) -> dict[str, str]:
            return {NEW_ENTRIES_FILE: append_entry(texts.get(NEW_ENTRIES_FILE, NEW_ENTRIES_HEADER), entry_id,
                                                   questions, answers)}
        return await self.preview(user_id, draft, f"new {entry_id}", edit)
