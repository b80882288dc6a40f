"""Teach the bot from what it could not answer: a logged question becomes a phrasing of an entry.

The change takes the same path as an upload: the edited file is validated with all the others,
written atomically, kept in the version history (so rollback undoes it), audited and reloaded.
Then the question and its near-duplicates leave the unanswered log.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.knowledge_service import ReloadOutcome
from bot.admin.notice import Notice
from bot.admin.yaml_edit import EditError, add_phrasing
from bot.i18n import _
from bot.knowledge.installer import Changes
from bot.knowledge.loader import Source


@dataclass(frozen=True)
class Taught:
    entry_id: str
    lang: str
    phrasing: str
    file: str
    outcome: ReloadOutcome            # the reload after installing (not ok: nothing changed)
    forgotten: int = 0                # unanswered-log rows removed


class Teacher:
    def __init__(self, admin: KnowledgeAdmin) -> None:
        self.admin = admin
        self.store = admin.store

    async def teach_logged(self, user_id: int | None, row_id: int, entry_id: str) -> Taught | Notice:
        """Add the unanswered question logged as `row_id` (the most frequent wording of its group)
        to `entry_id`; the whole group then leaves the unanswered log."""
        row = self.store.unanswered_row(row_id)
        if row is None:
            self.store.audit(user_id, "teach", "refused: question gone", str(row_id))
            return Notice(_("That question is no longer in the unanswered list."))
        text, lang = row
        ids: tuple[int, ...] = (row_id,)
        for group, row_ids in self.admin.question_groups(limit=1000):
            if row_id in row_ids:
                text, ids = group.text, row_ids
                break
        return await self.teach(user_id, entry_id, text, lang, ids)

    async def teach(self, user_id: int | None, entry_id: str, text: str, lang: str,
                    forget: tuple[int, ...] = ()) -> Taught | Notice:
        """Add `text` as a phrasing of `entry_id` in `lang`, through validation, history and reload."""
        phrasing = unicodedata.normalize("NFC", " ".join(text.split()))
        kb = self.admin.knowledge.engine.kb
        entry = kb.by_id.get(entry_id)
        if entry is None:
            self.store.audit(user_id, "teach", "refused: no such entry", entry_id)
            return Notice(_("There is no entry {entry} any more."), {"entry": entry_id})
        if not phrasing:
            return Notice(_("The question is empty."))
        if phrasing.casefold() in (q.casefold() for q in entry.questions.get(lang, ())):
            self.store.forget_unanswered(list(forget))
            self.store.audit(user_id, "teach", "already known", f"{entry_id} {lang}")
            return Notice(_("{entry} already has this phrasing."), {"entry": entry_id})
        file = entry.source.rsplit(":", 1)[0]

        def edit(sources: list[Source]) -> Changes | Notice:
            # The file as it is now, inside the change: nobody else's edit can slip in between.
            data = next((source.data for source in sources if source.name == file), None)
            if data is None:
                self.store.audit(user_id, "teach", "refused: file gone", file)
                return Notice(_("The file {file} cannot be read."), {"file": file})
            try:
                return {file: add_phrasing(data.decode("utf-8"), entry_id, lang, phrasing).encode("utf-8")}
            except (EditError, UnicodeDecodeError) as exc:
                self.store.audit(user_id, "teach", "refused: file layout", f"{file}: {exc}")
                if isinstance(exc, EditError):
                    return Notice(exc.message, exc.params, prefix=f"{file}: ")
                return Notice(_("The file {file} cannot be read."), {"file": file})

        outcome = await self.admin.knowledge.change(user_id, f"teach {entry_id}", edit)
        if isinstance(outcome, Notice):
            return outcome
        forgotten = self.store.forget_unanswered(list(forget)) if outcome.ok else 0
        self.store.audit(user_id, "teach", "ok" if outcome.ok else "refused: invalid", f"{entry_id} {lang}")
        return Taught(entry_id, lang, phrasing, file, outcome, forgotten)
