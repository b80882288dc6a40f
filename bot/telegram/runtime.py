"""What the handlers share: settings, storage, catalogs and the current engine."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ContextTypes

from bot.announce import Outbox
from bot.answer import Engine
from bot.config import Settings
from bot.i18n import Catalogs, negotiate
from bot.knowledge_service import KnowledgeService
from bot.ratelimit import RateLimit
from bot.store import Store

RUNTIME_KEY = "sahabat"


@dataclass
class Runtime:
    settings: Settings
    store: Store
    catalogs: Catalogs
    knowledge: KnowledgeService
    clock: Callable[[], float] = time.time          # injectable, so tests can move time forward
    group_limit: RateLimit = field(init=False)      # answers per group chat
    user_limit: RateLimit = field(init=False)       # answers per user in private chats
    outbox: Outbox = field(init=False)
    outbox_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending_uploads: dict = field(default_factory=dict)        # admin id → the upload awaiting confirmation
    pending_announcements: dict = field(default_factory=dict)  # admin id → the announcement awaiting confirmation

    def __post_init__(self) -> None:
        self.group_limit = RateLimit(self.settings.group_answers_per_minute)
        self.user_limit = RateLimit(self.settings.private_answers_per_minute)
        self.outbox = Outbox(self.store, self.clock)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)

    @property
    def engine(self) -> Engine:
        """The current engine; replaced as a whole on reload, so read it once per update."""
        return self.knowledge.engine

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.settings.admins

    def t(self, lang: str, message: str) -> str:
        return self.catalogs.gettext(lang, message)

    def user_language(self, update: Update) -> str:
        """Interface language: the user's choice, else their Telegram language, else the default."""
        user = update.effective_user
        if user is None:
            return self.settings.default_language
        return self.store.user_language(user.id) or negotiate(user.language_code, self.settings.default_language)

    def chat_language(self, update: Update) -> str:
        """Interface language of a group: set by its administrators, else the sender's language."""
        chat = update.effective_chat
        if chat is not None and chat.type != "private":
            chosen = self.store.chat_language(chat.id)
            if chosen:
                return chosen
        return self.user_language(update)


def take_pending(pending: dict, user_id: int, token: str) -> tuple | None:
    """What waits for this user's confirmation under `token`, removed from `pending`; None when
    it is stale (another one replaced it, or it was already confirmed or cancelled)."""
    entry = pending.get(user_id)
    if entry is None or entry[0] != token:
        return None
    del pending[user_id]
    return entry[1:]


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data[RUNTIME_KEY]
