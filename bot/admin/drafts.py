"""What every guided change shares: one draft per administrator, checks of what they type, the
preview (the edited files validated with all the others), and Install through the same path as an
upload (bot/admin/knowledge.py: written atomically, kept in history, audited, reloaded, refused when
the files changed after the preview).

Telegram-free: bot/telegram/authoring.py and the command line drive the same desk. Drafts live in
memory only: a restart loses them (the conversation says so), never a file.
"""

from __future__ import annotations

import asyncio
import difflib
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot import MESSAGE_LIMIT
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.knowledge_service import ReloadOutcome
from bot.admin.notice import Notice
from bot.admin.yaml_edit import EditError
from bot.engine.question import MAX_QUESTION_CHARS
from bot.i18n import _
from bot.knowledge.builder import content_version
from bot.knowledge.diff import diff
from bot.knowledge.installer import with_changes
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.scalars import ID_PATTERN
from bot.knowledge.template import TemplateError, placeholders
from bot.text.wordlists import GRAMMAR_WORDS

EMPTY = _("The text is empty. Send the text itself, or /cancel to stop.")
TOO_LONG = _("The text is longer than one Telegram message allows ({length}/{limit}). Shorten it and send it again.")
QUESTION_TOO_LONG = _("The question is too long ({length}/{limit}). Send a shorter one.")
STRAY_BRACE = _("There is a stray brace at character {position}. Write {open} or {close} for a brace shown as it "
                "is, and send the text again.")
UNKNOWN_PLACEHOLDER = _("{placeholder} is not a fact or a name of the knowledge base (did you mean {suggestions}?). "
                        "Send the text again.")
NO_SUCH_STYLE = _("{placeholder}: {name} has no style {style} (styles: {styles}). Send the text again.")
LOST = _("Your draft was lost when the bot restarted, so nothing changed. Start again with /edit, /new, or /event.")

D = TypeVar("D")


@dataclass
class Preview:
    """A change checked with all the other files, waiting for Install under `token`."""
    action: str                       # the audit action, such as "edit kitb-area"
    files: dict[str, bytes]           # what Install writes
    base: str                         # the version of the files it was made on
    outcome: ReloadOutcome            # ok: what would change and the warnings; not ok: the errors
    kb: KnowledgeBase | None          # the checked knowledge base (None when not ok)
    token: str = ""


@dataclass
class Draft:
    """What every draft has: the administrator's language and the preview waiting for Install."""
    lang: str
    preview: Preview | None = field(default=None, repr=False)


def visible(text: str) -> str:
    """`text` as NFC with its outer blanks removed; '' when it holds nothing visible (spaces,
    zero-width or other format characters only)."""
    text = unicodedata.normalize("NFC", text or "").strip()
    return text if any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text) else ""


def check_template(kb: KnowledgeBase, text: str) -> Notice | None:
    """Why `text` cannot be an answer (or an event's text) of `kb`, in the terms of the step:
    empty, longer than one message once its placeholders are filled, a stray brace, an unknown
    placeholder or style. None when it can."""
    if not visible(text):
        return Notice(EMPTY)
    if len(text) > MESSAGE_LIMIT:
        return Notice(TOO_LONG, {"length": len(text), "limit": MESSAGE_LIMIT})
    try:
        found = placeholders(text)
    except TemplateError as error:
        return Notice(STRAY_BRACE, {"position": error.offset + 1, "open": "{{", "close": "}}"})
    for placeholder in found:
        written = "{" + placeholder.name + (f":{placeholder.style}" if placeholder.style else "") + "}"
        if placeholder.name in kb.facts:
            styles = kb.facts[placeholder.name].styles()
        elif placeholder.name in kb.names:
            styles = {None}
        else:
            known = sorted([*kb.facts, *kb.names])
            close = difflib.get_close_matches(placeholder.name, known, n=3, cutoff=0) or known[:3]
            return Notice(UNKNOWN_PLACEHOLDER, {"placeholder": written,
                                                "suggestions": ", ".join("{" + name + "}" for name in close)})
        if placeholder.style not in styles:
            return Notice(NO_SUCH_STYLE, {"placeholder": written, "name": placeholder.name, "style": placeholder.style,
                                          "styles": ", ".join(sorted(s for s in styles if s)) or "-"})
    longest = max(len(kb.render(text, lang)) for lang in ("id", "ko", "en"))
    if longest > MESSAGE_LIMIT:
        return Notice(TOO_LONG, {"length": longest, "limit": MESSAGE_LIMIT})
    return None


def check_question(text: str) -> Notice | None:
    if not visible(text):
        return Notice(EMPTY)
    if len(text) > MAX_QUESTION_CHARS:
        return Notice(QUESTION_TOO_LONG, {"length": len(text), "limit": MAX_QUESTION_CHARS})
    return None


def slug(text: str, taken: Callable[[str], bool], fallback: str, suffix: str = "") -> str:
    """An id from `text`'s plain words (lowercase ASCII, grammar words left out, 40 characters at
    most, with `suffix`), or `fallback`; '-2', '-3'... until `taken` says it is free."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_text) if w not in GRAMMAR_WORDS] or \
        re.findall(r"[a-z0-9]+", ascii_text)
    room = 40 - len(suffix) - 3
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > room:
            break
        base = f"{base}-{word}" if base else word
    base = (base or fallback) + suffix
    candidate, number = base, 2
    while taken(candidate) or not ID_PATTERN.match(candidate):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class DraftDesk:
    """One draft per administrator, and the preview → Install path every guided change takes."""

    def __init__(self, admin: KnowledgeAdmin) -> None:
        self.admin = admin
        self.store = admin.store
        self.drafts: dict[int, Draft] = {}

    @property
    def kb(self) -> KnowledgeBase:
        return self.admin.knowledge.engine.kb

    def start(self, user_id: int, draft: D) -> D:
        """`draft` becomes `user_id`'s draft (an older one is dropped)."""
        assert isinstance(draft, Draft)
        self.drafts[user_id] = draft
        return draft

    def draft(self, user_id: int, kind: type[D]) -> D | None:
        """The administrator's draft if it is a `kind`; None when there is none (ended, or lost in
        a restart)."""
        found = self.drafts.get(user_id)
        return found if isinstance(found, kind) else None

    def discard(self, user_id: int, why: str) -> bool:
        """Drop the draft (cancelled, timed out); audited. False when there was none."""
        found = self.drafts.pop(user_id, None)
        if found is not None:
            self.store.audit(user_id, "draft", why)
        return found is not None

    async def preview(self, user_id: int | None, draft: Draft | None, action: str,
                      edit: Callable[[Mapping[str, str]], Mapping[str, str]]) -> Preview | Notice:
        """Apply `edit` (file name → text of the files now, to the files it changes) and check the
        result with every other file. A valid preview waits for `install(user_id, token)`; either
        way the draft is kept, so a refused text can be sent again."""
        installer = self.admin.knowledge.installer
        sources = await asyncio.to_thread(installer.read)
        try:
            texts = {source.name: source.data.decode("utf-8") for source in sources}
            changed = {name: text.encode("utf-8") for name, text in edit(texts).items()}
        except UnicodeDecodeError:
            return Notice(_("A knowledge file is not UTF-8 text, so nothing can be edited: run kb check."))
        except EditError as error:
            self.store.audit(user_id, action, "refused: file layout", str(error))
            return Notice(error.message, error.params)
        checked = await self.admin.knowledge.check(with_changes(sources, changed))
        if checked.kb is None:
            self.store.audit(user_id, action, "refused: invalid", f"{len(checked.errors)} error(s)")
            return Preview(action, changed, content_version(sources), ReloadOutcome(False, checked.errors), None)
        outcome = ReloadOutcome(True, checked.warnings, diff(self.kb, checked.kb), checked.kb.version)
        found = Preview(action, changed, content_version(sources), outcome, checked.kb, secrets.token_hex(4))
        if draft is not None:
            draft.preview = found
        self.store.audit(user_id, action, "awaiting confirmation")
        return found

    async def install(self, user_id: int | None, token: str) -> ReloadOutcome | None:
        """Install the preview waiting under `token`; None when none waits (used, replaced, lost in a
        restart). The draft ends when it is installed, and when the files changed since its preview
        (the administrator starts again on the new base)."""
        found = self.drafts.get(user_id) if user_id is not None else None
        if found is None or found.preview is None or not found.preview.token or found.preview.token != token:
            return None
        preview, found.preview = found.preview, None
        return await self.apply(user_id, preview)

    async def apply(self, user_id: int | None, preview: Preview) -> ReloadOutcome:
        """Install `preview` (the command line installs its preview at once)."""
        outcome = await self.admin.install(user_id, preview.files, preview.action, preview.base)
        if (outcome.ok or outcome.stale) and user_id is not None:
            self.drafts.pop(user_id, None)
        return outcome
