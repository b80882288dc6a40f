"""/new: a new entry in a short conversation: the question and its answer in the administrator's
language, the other languages or Skip, a few more phrasings or Done, the id, then Install.

The bot shows the nearest existing entries (the engine's candidates) so that no duplicate is made by
mistake, and the preview lists phrasings too alike another entry's. The work is in
bot/admin/entry_drafts.py.
"""

from __future__ import annotations

from telegram import Update

from bot.admin.authoring import EntryDraft, Nearest
from bot.admin.authoring_texts import entry_preview, language_in
from bot.admin.notice import Notice
from bot.i18n import _
from bot.telegram.context import BotContext
from bot.telegram.drafting import (
    ANSWER,
    ENTRY_ID,
    MORE,
    OTHER_ANSWER,
    OTHER_QUESTION,
    QUESTION,
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


@step(None, "new")
async def on_new(update: Update, context: BotContext, _draft: None) -> object:
    draft = context.authoring.begin_entry(user_of(update) or 0, context.lang)
    await say(update, context, context.t(_("A new entry. Send the question in {language}, the way people would ask "
                                           "it.")).format(language=language_in(draft.lang, context.lang)),
              keyboard(cancel_row(context)))
    return QUESTION


@step(EntryDraft, "new")
async def on_question(update: Update, context: BotContext, draft: EntryDraft) -> object:
    found = context.authoring.add_question(draft, text_of(update))
    if isinstance(found, Notice):
        await say(update, context, notice(context, found))
        return QUESTION
    lines = nearest_lines(context, found)
    lines.append(context.t(_("Now send the answer in {language}.")).format(
        language=language_in(draft.lang, context.lang)))
    await say(update, context, "\n".join(lines), keyboard(cancel_row(context)))
    return ANSWER


def nearest_lines(context: BotContext, found: Nearest) -> list[str]:
    lines = []
    if found.answered_by:
        lines.append("⚠️ " + context.t(_("The bot already answers this question with {entry}. If that entry is "
                                         "right, /cancel and use /edit {entry} instead.")).format(
            entry=found.answered_by))
    if found.candidates:
        lines.append(context.t(_("Nearest existing entries:")))
        lines += [f"• {entry_id} ({round(score * 100)}%): {question}" for entry_id, score, question in found.candidates]
    return lines


@step(EntryDraft, "new")
async def on_answer(update: Update, context: BotContext, draft: EntryDraft) -> object:
    problem = context.authoring.add_answer(draft, text_of(update))
    if problem is not None:
        await say(update, context, notice(context, problem))
        return ANSWER
    return await ask_next_language(update, context, draft)


async def ask_next_language(update: Update, context: BotContext, draft: EntryDraft) -> object:
    lang = context.authoring.next_entry_language(draft)
    if lang is None:
        await say(update, context, context.t(_("Send two or three more ways to ask it in {language}, one per line, "
                                               "then press Done.")).format(
            language=language_in(draft.lang, context.lang)),
                  keyboard([(context.t(_("Done")), "done", "")], cancel_row(context)))
        return MORE
    await say(update, context, context.t(_("Send the question in {language}, or press Skip to leave this language "
                                           "out for now.")).format(language=language_in(lang, context.lang)),
              keyboard([(context.t(_("Skip")), "skip", "")], cancel_row(context)))
    return OTHER_QUESTION


@step(EntryDraft, "new")
async def on_other_question(update: Update, context: BotContext, draft: EntryDraft) -> object:
    found = context.authoring.add_question(draft, text_of(update))
    if isinstance(found, Notice):
        await say(update, context, notice(context, found))
        return OTHER_QUESTION
    await say(update, context, context.t(_("Now send the answer in {language}, or press Skip.")).format(
        language=language_in(draft.current, context.lang)),
              keyboard([(context.t(_("Skip")), "skip", "")], cancel_row(context)))
    return OTHER_ANSWER


@step(EntryDraft, "new")
async def on_other_answer(update: Update, context: BotContext, draft: EntryDraft) -> object:
    problem = context.authoring.add_answer(draft, text_of(update))
    if problem is not None:
        await say(update, context, notice(context, problem))
        return OTHER_ANSWER
    return await ask_next_language(update, context, draft)


@step(EntryDraft, "new")
async def on_skip(update: Update, context: BotContext, draft: EntryDraft) -> object:
    if pressed(update).action != "skip":
        return None
    context.authoring.skip_language(draft)
    return await ask_next_language(update, context, draft)


@step(EntryDraft, "new")
async def on_more(update: Update, context: BotContext, draft: EntryDraft) -> object:
    count = context.authoring.add_phrasings(draft, text_of(update))
    if isinstance(count, Notice):
        await say(update, context, notice(context, count))
        return MORE
    text = context.t(_("Phrasings in {language} so far: {count}. Send more, or press Done.")).format(
        language=language_in(draft.lang, context.lang), count=count)
    await say(update, context, text,
              keyboard([(context.t(_("Done")), "done", "")], cancel_row(context)))
    return MORE


@step(EntryDraft, "new")
async def on_done(update: Update, context: BotContext, draft: EntryDraft) -> object:
    if pressed(update).action != "done":
        return None
    proposed = context.authoring.proposed_id(draft)
    draft.entry_id = proposed
    await say(update, context, context.t(_("The entry's id will be {id}. Press Use it, or send another id (lowercase "
                                           "letters, digits, and '-').")).format(id=proposed),
              keyboard([(context.t(_("Use it")), "keep", "")], cancel_row(context)))
    return ENTRY_ID


@step(EntryDraft, "new")
async def on_entry_id(update: Update, context: BotContext, draft: EntryDraft) -> object:
    authoring = context.authoring
    if update.callback_query is None:
        problem = authoring.set_entry_id(draft, text_of(update))
        if problem is not None:
            await say(update, context, notice(context, problem))
            return ENTRY_ID
    elif pressed(update).action != "keep":
        return None
    t, lang = gettext(context), context.lang
    found = await authoring.preview_entry(user_of(update), draft)
    entry_id = draft.entry_id or ""
    return await show_preview(update, context, found, lambda p: entry_preview(p, entry_id, t, lang), ENTRY_ID)
