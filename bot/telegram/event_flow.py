"""/event: schedule an event in a short conversation (title, time zone, date, time or all day, venue,
reminders), or `/event <id>` to change one part of an existing event or cancel it. After Install the
reminders are scheduled like those of events.yaml, and follow every change. The work is in
bot/admin/event_drafts.py.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_timedelta
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.admin.authoring import EventDraft
from bot.admin.authoring_texts import cancel_preview, elsewhere_text, event_preview, language_in, reminder_lines
from bot.admin.drafts import Preview
from bot.admin.notice import Notice
from bot.i18n import _
from bot.knowledge.events import event_text, parse_offset
from bot.telegram.context import BotContext
from bot.telegram.drafting import (
    DAY,
    END,
    MENU,
    REMINDERS,
    TIME,
    TITLE,
    TITLE_OTHER,
    VENUE,
    ZONE,
    cancel_row,
    gettext,
    keyboard,
    notice,
    pressed,
    say,
    show_preview,
    step,
    text_of,
    user_of,
)


@step(None, "event")
async def on_event(update: Update, context: BotContext, _draft: None) -> object:
    parts = text_of(update).split(maxsplit=1)
    authoring = context.authoring
    if len(parts) > 1:
        draft = authoring.begin_change(user_of(update) or 0, context.lang, parts[1].strip())
        if isinstance(draft, Notice):
            ids = ", ".join(e.id for e in authoring.kb.events) or "-"
            await say(update, context, notice(context, draft) + "\n" + context.t(_("Events: {ids}")).format(ids=ids))
            return END
        return await show_menu(update, context, draft)
    draft = authoring.begin_event(user_of(update) or 0, context.lang)
    await say(update, context, context.t(_("A new event. Send its title in {language}.")).format(
        language=language_in(draft.lang, context.lang)), keyboard(cancel_row(context)))
    return TITLE


async def show_menu(update: Update, context: BotContext, draft: EventDraft) -> object:
    authoring = context.authoring
    event = authoring.event_of(draft)
    assert event is not None
    kb = authoring.kb
    lines = [event_text(event, context.lang, lambda text: kb.render(text, context.lang))]
    lines += reminder_lines(event, authoring.zones, gettext(context), context.lang)
    lines.append(context.t(_("What do you want to change?")))
    t = context.t
    buttons = keyboard([(t(_("Date and time")), "part", "when"), (t(_("Venue")), "part", "venue")],
                       [(t(_("Reminders")), "part", "reminders"), (t(_("Title")), "part", "title")],
                       [(t(_("Cancel the event")), "drop", "")], [(t(_("Close")), "cancel", "")])
    await say(update, context, "\n".join(lines), buttons)
    return MENU


@step(EventDraft, "event")
async def on_menu(update: Update, context: BotContext, draft: EventDraft) -> object:
    button = pressed(update)
    if button.action == "drop":
        event = context.authoring.event_of(draft)
        found = await context.authoring.preview_cancel(user_of(update), draft)
        if event is None or isinstance(found, Notice):
            await say(update, context, notice(context, found) if isinstance(found, Notice) else "")
            return END
        t, lang = gettext(context), context.lang
        return await show_preview(update, context, found, lambda p: cancel_preview(p, event, t, lang), MENU)
    if button.action != "part":
        return MENU
    draft.part = button.value
    if button.value == "when":
        return await ask_zone(update, context)
    if button.value == "venue":
        return await ask_venue(update, context)
    if button.value == "reminders":
        return await ask_reminders(update, context, draft)
    draft.current, draft.offered = draft.lang, []
    await say(update, context, context.t(_("Send the new title in {language}.")).format(
        language=language_in(draft.lang, context.lang)), keyboard(cancel_row(context)))
    return TITLE


@step(EventDraft, "event")
async def on_title(update: Update, context: BotContext, draft: EventDraft) -> object:
    problem = context.authoring.set_title(draft, text_of(update))
    if problem is not None:
        await say(update, context, notice(context, problem))
        return None
    return await ask_title_language(update, context, draft)


@step(EventDraft, "event")
async def on_title_skip(update: Update, context: BotContext, draft: EventDraft) -> object:
    if pressed(update).action != "skip":
        return None
    return await ask_title_language(update, context, draft)


async def ask_title_language(update: Update, context: BotContext, draft: EventDraft) -> object:
    lang = context.authoring.next_title_language(draft)
    if lang is not None:
        await say(update, context, context.t(_("Send the title in {language}, or press Skip.")).format(
            language=language_in(lang, context.lang)), keyboard([(context.t(_("Skip")), "skip", "")],
                                                                cancel_row(context)))
        return TITLE_OTHER
    if draft.part == "title":
        return await preview(update, context, draft)
    return await ask_zone(update, context)


async def ask_zone(update: Update, context: BotContext) -> object:
    zones = [(abbreviation, "zone", abbreviation) for abbreviation in context.authoring.zones]
    await say(update, context, context.t(_("Which time zone is your time in?")),
              keyboard(zones, cancel_row(context)))
    return ZONE


@step(EventDraft, "event")
async def on_zone(update: Update, context: BotContext, draft: EventDraft) -> object:
    button = pressed(update)
    problem = context.authoring.set_zone(draft, button.value) if button.action == "zone" else None
    if button.action != "zone" or problem is not None:
        return ZONE
    await say(update, context, context.t(_("Send the date, such as 2027-03-10 or 10/03/2027.")),
              keyboard(cancel_row(context)))
    return DAY


@step(EventDraft, "event")
async def on_day(update: Update, context: BotContext, draft: EventDraft) -> object:
    problem = context.authoring.set_day(draft, text_of(update), context.lang)
    if problem is not None:
        await say(update, context, notice(context, problem))
        return DAY
    await say(update, context, context.t(_("Send the time, such as 09:00, or 09:00-12:00 with an end; or press All "
                                           "day.")),
              keyboard([(context.t(_("All day")), "allday", "")], cancel_row(context)))
    return TIME


@step(EventDraft, "event")
async def on_time(update: Update, context: BotContext, draft: EventDraft) -> object:
    authoring = context.authoring
    if update.callback_query is not None:
        if pressed(update).action != "allday":
            return TIME
        authoring.set_times(draft, None, context.lang)
    else:
        problem = authoring.set_times(draft, text_of(update), context.lang)
        if problem is not None:
            await say(update, context, notice(context, problem))
            return TIME
        assert draft.day is not None and draft.start is not None and draft.zone is not None
        start = dt.datetime.combine(draft.day, draft.start, authoring.zone(draft))
        await say(update, context, elsewhere_text(authoring.elsewhere(draft), start, draft.zone, gettext(context),
                                                  context.lang))
    if draft.part == "when":
        return await preview(update, context, draft)
    return await ask_venue(update, context)


async def ask_venue(update: Update, context: BotContext) -> object:
    await say(update, context, context.t(_("Send the venue, or press No venue.")),
              keyboard([(context.t(_("No venue")), "skip", "")], cancel_row(context)))
    return VENUE


@step(EventDraft, "event")
async def on_venue(update: Update, context: BotContext, draft: EventDraft) -> object:
    authoring = context.authoring
    if update.callback_query is not None:
        if pressed(update).action != "skip":
            return VENUE
        authoring.set_venue(draft, None)
    else:
        problem = authoring.set_venue(draft, text_of(update))
        if problem is not None:
            await say(update, context, notice(context, problem))
            return VENUE
    if draft.part == "venue":
        return await preview(update, context, draft)
    return await ask_reminders(update, context, draft)


def reminder_keyboard(context: BotContext, draft: EventDraft) -> InlineKeyboardMarkup:
    choices = context.authoring.reminder_choices(draft)
    rows = [[(("✅ " if label in draft.reminders else "▫️ ")
              + context.t(_("{time} before")).format(
                  time=format_timedelta(parse_offset(label) or dt.timedelta(0), locale=context.lang)),
              "remind", label)] for label in choices]
    return keyboard(*rows, [(context.t(_("Done")), "done", "")], cancel_row(context))


async def ask_reminders(update: Update, context: BotContext, draft: EventDraft) -> object:
    await say(update, context, context.t(_("Reminders to the subscribed groups: press each one you want, then Done.")),
              reminder_keyboard(context, draft))
    return REMINDERS


@step(EventDraft, "event")
async def on_reminder(update: Update, context: BotContext, draft: EventDraft) -> object:
    button = pressed(update)
    if button.action == "done":
        return await preview(update, context, draft)
    if button.action != "remind":
        return REMINDERS
    context.authoring.toggle_reminder(draft, button.value)
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_reply_markup(reminder_keyboard(context, draft))
    except BadRequest as error:         # a double tap: the keyboard already shows it
        if "not modified" not in error.message.lower():
            raise
    return REMINDERS


async def preview(update: Update, context: BotContext, draft: EventDraft) -> object:
    authoring = context.authoring
    found = await authoring.preview_event(user_of(update), draft)
    t, lang, zones = gettext(context), context.lang, authoring.zones

    def text(p: Preview) -> str:
        event_id = draft.event_id or (p.outcome.diff.events_changed[0] if p.outcome.diff else "")
        return event_preview(p, event_id, zones, t, lang)
    return await show_preview(update, context, found, text, MENU if draft.event_id else REMINDERS)
