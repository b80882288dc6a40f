"""The context every handler and job receives: typed access to the bot's shared services.

Registered through `ContextTypes(context=BotContext)`. It also knows the update it was made for,
so `context.lang` is the reader's interface language without each handler working it out.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, Job

from bot.admin.access import AdminGate
from bot.admin.announcements import AnnouncementDesk
from bot.admin.authoring import Authoring
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.teach import Teacher
from bot.config import Settings
from bot.engine.answer import Engine
from bot.store import Store
from bot.telegram.callbacks import STALE, B
from bot.telegram.limiter import TURN, Turn
from bot.telegram.runtime import RUNTIME_KEY, Runtime
from bot.telegram.sending import answer_query


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    _update: Update | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> BotContext:
        """Also marks the task as handling `update` (bot/telegram/limiter.py: its messages never wait
        for a chat); the error handler's context for the same update keeps the same Turn."""
        context = super().from_update(update, application)
        context._update = update if isinstance(update, Update) else None
        if context._update is not None:
            current = TURN.get()
            if current is None or current.update_id != context._update.update_id:
                TURN.set(context.runtime.turn(context._update))
        return context

    @classmethod
    def from_job(cls, job: Job[Any], application: Application[Any, Any, Any, Any, Any, Any]) -> BotContext:
        """A job may wait for a chat's capacity; a job scheduled from a handler must not inherit its
        Turn (asyncio copies the scheduling task's context into the job's)."""
        TURN.set(None)
        return super().from_job(job, application)

    @property
    def turn(self) -> Turn | None:
        """The budget of the update being handled (None in a job)."""
        return TURN.get()

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.application.bot_data[RUNTIME_KEY]
        return runtime

    @property
    def engine(self) -> Engine:
        """The current engine; a reload replaces it, so read it once per update."""
        return self.runtime.engine

    @property
    def store(self) -> Store:
        return self.runtime.store

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def knowledge_admin(self) -> KnowledgeAdmin:
        return self.runtime.knowledge_admin

    @property
    def announcements(self) -> AnnouncementDesk:
        return self.runtime.desk

    @property
    def teacher(self) -> Teacher:
        return self.runtime.teacher

    @property
    def authoring(self) -> Authoring:
        return self.runtime.authoring

    @property
    def admins(self) -> AdminGate:
        return self.runtime.gate

    @property
    def lang(self) -> str:
        """The reader's interface language (their choice, else Telegram's language_code, else the default)."""
        if self._update is None:
            return self.runtime.settings.default_language
        return self.runtime.user_language(self._update)

    @property
    def chat_lang(self) -> str:
        """The language to write in this chat: a group's chosen language, else the reader's."""
        if self._update is None:
            return self.runtime.settings.default_language
        return self.runtime.chat_language(self._update)

    def t(self, message: str, lang: str | None = None) -> str:
        """`message` (a msgid) in `lang`, by default the reader's language."""
        return self.runtime.t(lang or self.lang, message)

    async def pressed(self, kind: type[B]) -> B | None:
        """The pressed button's data as `kind`; forged, old or unreadable data is answered with the
        polite "no longer works" alert and gives None (the handler then stops)."""
        query = self._update.callback_query if self._update is not None else None
        assert query is not None, "pressed() is for callback-query handlers"
        button = kind.decode(query.data)
        if button is None:
            await answer_query(query, self.t(STALE), alert=True)
        return button


CONTEXT_TYPES = ContextTypes(context=BotContext)
