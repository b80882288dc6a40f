"""What the guided-change conversations share (/edit, /new, /event): their states, the check that
runs before every step, buttons, and the Install / Cancel ending.

Every step asks the administrator gate again (a forwarded button pressed by someone else is refused
politely), and finds the administrator's draft: when the bot restarted in the middle, the state
survives (python-telegram-bot's persistence) but the draft does not, and the administrator is told
so instead of having their text taken for a question.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ConversationHandler

from bot.admin.drafts import LOST, Draft, Preview
from bot.admin.knowledge_service import ReloadOutcome
from bot.admin.notice import Notice
from bot.admin.reports import outcome_text
from bot.i18n import Translator, _
from bot.telegram.callbacks import STALE, Button, Step
from bot.telegram.context import BotContext
from bot.telegram.render import BUTTON_TEXT_LIMIT
from bot.telegram.sending import edit_pressed, reply_long

END = ConversationHandler.END
REFUSAL = _("Sorry, only the bot's administrators can do that.")
CANCELLED = _("Cancelled: nothing changed.")
NOT_TEXT = _("Please send text, or use the buttons (/cancel stops).")
NO_LONGER_OPEN = _("That draft is no longer open (it was installed, canceled, closed after a silence, or lost in a "
                   "restart). Start again with /edit, /new, or /event.")

# States. Strings, so that the persisted conversations read clearly.
PICK, CHOOSE, TEXT, CONFIRM = "edit:pick", "edit:choose", "edit:text", "confirm"
QUESTION, ANSWER, OTHER_QUESTION, OTHER_ANSWER, MORE, ENTRY_ID = (
    "new:question", "new:answer", "new:other-question", "new:other-answer", "new:more", "new:id")
TITLE, TITLE_OTHER, ZONE, DAY, TIME, VENUE, REMINDERS, MENU = (
    "event:title", "event:title-other", "event:zone", "event:day", "event:time", "event:venue", "event:reminders",
    "event:menu")

D = TypeVar("D", bound=Draft)
Step_ = Callable[[Update, BotContext, Any], Coroutine[Any, Any, object]]
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, object]]


def user_of(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def say(update: Update, context: BotContext, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Message:
    """Reply in the chat of the update (a message, or the message whose button was pressed)."""
    message = update.effective_message
    assert message is not None
    return await reply_long(message, text, keyboard)


def gettext(context: BotContext) -> Translator:
    return context.runtime.catalogs.for_language(context.lang)


def notice(context: BotContext, found: Notice) -> str:
    return "⚠️ " + found.render(gettext(context))


def keyboard(*rows: list[tuple[str, str, str]]) -> InlineKeyboardMarkup:
    """Rows of (label, action, value) as Step buttons."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(_short(label), callback_data=Step(action, value).encode())
                                  for label, action, value in row] for row in rows if row])


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT_LIMIT else text[: BUTTON_TEXT_LIMIT - 1] + "…"


def cancel_row(context: BotContext) -> list[tuple[str, str, str]]:
    return [(context.t(_("Cancel")), "cancel", "")]


def step(kind: type[D] | None, action: str, button: type[Button] = Step) -> Callable[[Step_], Handler]:
    """Wrap a conversation step: the sender must be a bot administrator (asked every time, refusals
    audited), and, with `kind`, must have a draft of that kind (else it was lost in a restart). A
    pressed button is answered here, and one whose data cannot be read gets the stale notice."""
    def decorator(handler: Step_) -> Handler:
        @functools.wraps(handler)
        async def checked(update: Update, context: BotContext) -> object:
            user_id = user_of(update)
            query = update.callback_query
            if not context.admins.allows(user_id, action):
                if query is not None:
                    await query.answer(context.t(REFUSAL), show_alert=True)
                elif update.effective_message is not None:
                    await update.effective_message.reply_text(context.t(REFUSAL))
                return END
            draft = None
            if kind is not None:
                draft = context.authoring.draft(user_id or 0, kind)
                if draft is None:
                    if query is not None:
                        await query.answer()
                    await say(update, context, context.t(LOST))
                    return END
            if query is not None:
                if button.decode(query.data) is None:
                    await query.answer(context.t(STALE), show_alert=True)
                    return None
                await query.answer()
            return await handler(update, context, draft)
        return checked
    return decorator


def pressed(update: Update) -> Step:
    """The pressed Step button (`step` has checked it decodes)."""
    assert update.callback_query is not None
    button = Step.decode(update.callback_query.data)
    assert button is not None
    return button


def text_of(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message is not None else ""


async def show_preview(update: Update, context: BotContext, found: Preview | Notice, text: Callable[[Preview], str],
                       retry: object) -> object:
    """A valid preview with Install and Cancel (→ CONFIRM); a refused one says why and stays at
    `retry`, the draft kept."""
    if isinstance(found, Notice):
        await say(update, context, notice(context, found))
        return retry
    if found.kb is None:
        await say(update, context, outcome_text(found.outcome, gettext(context)))
        return retry
    buttons = keyboard([(context.t(_("Install")), "install", found.token), *cancel_row(context)])
    await say(update, context, text(found), buttons)
    return CONFIRM


@step(Draft, "authoring-install")
async def on_confirm(update: Update, context: BotContext, draft: Draft) -> object:
    """Install or Cancel under a preview."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    button = pressed(update)
    if button.action == "cancel":
        return await cancelled(update, context, draft)
    if button.action != "install":
        await say(update, context, context.t(_("Press Install or Cancel under the preview.")))
        return CONFIRM
    outcome = await context.authoring.install(update.effective_user.id, button.value)
    await edit_pressed(query)
    if outcome is None:
        await say(update, context, context.t(_("That preview is no longer waiting. Start again with /edit, /new, or "
                                               "/event.")))
        return END
    await say(update, context, installed_text(context, outcome))
    return END if outcome.ok or outcome.stale else CONFIRM


def installed_text(context: BotContext, outcome: ReloadOutcome) -> str:
    if not outcome.ok:
        return outcome_text(outcome, gettext(context))
    headline = context.t(_("✅ Installed: version {version}.")).format(version=outcome.version)
    return outcome_text(outcome, gettext(context), headline)


async def cancelled(update: Update, context: BotContext, draft: Draft | None) -> object:
    if update.callback_query is not None:
        await edit_pressed(update.callback_query)
    context.authoring.discard(user_of(update) or 0, "cancelled")
    await say(update, context, context.t(CANCELLED))
    return END


@step(None, "authoring-cancel")
async def on_cancel(update: Update, context: BotContext, _draft: None) -> object:
    return await cancelled(update, context, None)


@step(Draft, "authoring")
async def on_unexpected(update: Update, context: BotContext, draft: Draft) -> object:
    """Something this step does not expect (a sticker, a photo, an old button): the draft stays."""
    message = update.effective_message
    if update.callback_query is not None:
        await say(update, context, context.t(_("That button belongs to an earlier step; use the latest message.")))
    elif message is not None and message.text:
        await say(update, context, context.t(_("Please use the buttons of the latest message (/cancel stops).")))
    else:
        await say(update, context, context.t(NOT_TEXT))
    return None
