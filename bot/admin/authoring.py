"""The guided changes to the knowledge base, as one service: /edit (an answer or a fact), /new (an
entry), /event (a new, changed or cancelled event). Telegram-free; bot/telegram/authoring.py and the
command line (`kb edit`, `kb new`, `event add`) drive it.
"""

from __future__ import annotations

from bot.admin.entry_drafts import EditDraft, EntryDesk, EntryDraft, Nearest
from bot.admin.event_drafts import EventDesk, EventDraft

__all__ = ["Authoring", "EditDraft", "EntryDraft", "EventDraft", "Nearest"]


class Authoring(EntryDesk, EventDesk):
    """Drafts for entries and events share one draft per administrator (a new one replaces the
    old) and one preview → Install path (bot/admin/drafts.py)."""
