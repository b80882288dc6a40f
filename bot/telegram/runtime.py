"""What the handlers share: settings, storage, catalogs and the current engine."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Callable

from telegram import Update

from bot.admin.access import AdminGate
from bot.admin.announcements import AnnouncementDesk
from bot.admin.authoring import Authoring
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.knowledge_service import KnowledgeService
from bot.admin.teach import Teacher
from bot.config import Settings
from bot.engine.answer import Engine
from bot.i18n import Catalogs, negotiate
from bot.outbox import Outbox
from bot.ratelimit import RateLimit
from bot.store import Store
from bot.telegram.limiter import SendLimiter, Turn

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
    inline_limit: RateLimit = field(init=False)     # inline queries per user
    limiter: SendLimiter = field(init=False)        # Telegram's flood limits (the Application's rate limiter)
    outbox: Outbox = field(init=False)
    gate: AdminGate = field(init=False)                 # bot administrators, asked every time
    knowledge_admin: KnowledgeAdmin = field(init=False)
    desk: AnnouncementDesk = field(init=False)
    teacher: Teacher = field(init=False)
    authoring: Authoring = field(init=False)            # /edit, /new, /event
    error_notices: dict[str, float] = field(default_factory=dict)   # kind of error → when the admins were told

    def __post_init__(self) -> None:
        settings = self.settings
        self.group_limit = RateLimit(settings.group_answers_per_minute)
        self.user_limit = RateLimit(settings.private_answers_per_minute)
        self.inline_limit = RateLimit(settings.inline_queries_per_minute)
        self.limiter = SendLimiter(settings.messages_per_second, max_retries=settings.send_retries)
        self.outbox = Outbox(self.store, self.clock, max_attempts=settings.delivery_attempts)
        self.gate = AdminGate(self.store, settings.admins)
        self.knowledge_admin = KnowledgeAdmin(self.knowledge, self.store, max_upload_bytes=settings.max_upload_bytes,
                                              unanswered_days=settings.unanswered_days,
                                              stats_days=settings.stats_days, clock=self.clock)
        self.teacher = Teacher(self.knowledge_admin)
        self.authoring = Authoring(self.knowledge_admin, zones=settings.announcement_zones,
                                   timezone=settings.timezone, clock=self.clock)
        self.desk = AnnouncementDesk(self.outbox, self.store, timezone=settings.timezone,
                                     zones=settings.announcement_zones, clock=self.clock)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)

    @property
    def engine(self) -> Engine:
        """The current engine; replaced as a whole on reload, so read it once per update."""
        return self.knowledge.engine

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


    def turn(self, update: Update) -> Turn:
        """The budget `update`'s replies spend: a group's per chat, a private chat's per user, an
        inline query's per user (inline_limit); a button under an inline-mode message has no chat,
        and spends its presser's private budget."""
        chat, user = update.effective_chat, update.effective_user
        if update.inline_query is not None:
            return Turn(update.update_id, None, self.inline_limit, update.inline_query.from_user.id)
        if chat is not None and chat.type != "private":
            return Turn(update.update_id, chat.id, self.group_limit, chat.id)
        if user is not None:
            return Turn(update.update_id, chat.id if chat is not None else None, self.user_limit, user.id)
        return Turn(update.update_id, chat.id if chat is not None else None, None, 0)
