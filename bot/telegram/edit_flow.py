"""/edit: change an entry's answer in one language, or a fact, in a short conversation.

`/edit kitb-area`, `/edit how big is kitb`, `/edit kitb_area_ha`, or ✏️ under an answer (shown to
bot administrators in their private chat). The work is in bot/admin/entry_drafts.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import LANGUAGES
from bot.admin.authoring import EditDraft
from bot.admin.authoring_texts import FLAGS, answer_preview, entry_text, fact_preview, fact_text, language_in
from bot.admin.drafts import visible
from bot.i18n import _, language_name
from bot.telegram.callbacks import EditEntry
from bot.telegram.context import BotContext
from bot.telegram.drafting import (
    CHOOSE,
    END,
    PICK,
    TEXT,
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

ASK_WHAT = _("Which entry or fact? Send an entry's id, a question it answers, or a fact's name (such as "
             "kitb_area_ha).")


def edit_button(entry_id: str, label: str) -> list[InlineKeyboardButton]:
    """The ✏️ row under an answer, for a bot administrator (callback data within 64 bytes, else none)."""
    try:
        return [InlineKeyboardButton(f"✏️ {label}", callback_data=EditEntry(entry_id).encode())]
    except ValueError:
        return []


def with_edit_button(markup: InlineKeyboardMarkup | None, entry_id: str, label: str) -> InlineKeyboardMarkup:
    rows = [list(row) for row in markup.inline_keyboard] if markup else []
    return InlineKeyboardMarkup([*rows, edit_button(entry_id, label)])


@step(None, "edit")
async def on_edit(update: Update, context: BotContext, _draft: None) -> object:
    parts = text_of(update).split(maxsplit=1)
    draft = context.authoring.begin_edit(user_of(update) or 0, context.lang)
    if len(parts) < 2:
        await say(update, context, context.t(ASK_WHAT), keyboard(cancel_row(context)))
        return PICK
    return await resolve(update, context, draft, parts[1])


@step(None, "edit", EditEntry)
async def on_edit_button(update: Update, context: BotContext, _draft: None) -> object:
    """✏️ under an answer: straight to the entry."""
    query = update.callback_query
    assert query is not None
    button = EditEntry.decode(query.data)
    assert button is not None
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(update, context, context.t(_("Edit in your private chat with me: /edit {entry}")).format(
            entry=button.entry_id))
        return END
    draft = context.authoring.begin_edit(user_of(update) or 0, context.lang)
    problem = context.authoring.target_entry(draft, button.entry_id)
    if problem is not None:
        await say(update, context, notice(context, problem))
        return END
    return await show_entry(update, context, draft)


async def resolve(update: Update, context: BotContext, draft: EditDraft, text: str) -> object:
    authoring = context.authoring
    found = authoring.find(text, context.lang)
    if isinstance(found, str):
        authoring.target_fact(draft, found)
        return await ask_fact(update, context, draft)
    if len(found) == 1 and found[0] == visible(text):
        authoring.target_entry(draft, found[0])
        return await show_entry(update, context, draft)
    if not found:
        await say(update, context, context.t(_("Nothing matches “{text}”. Send an entry's id, a question, or a fact's "
                                               "name.")).format(text=visible(text)[:100]),
                  keyboard(cancel_row(context)))
        return PICK
    kb = authoring.kb
    rows = [[(f"{entry_id}: {kb.question_text(kb.by_id[entry_id], context.lang)}", "pick", entry_id)]
            for entry_id in found]
    await say(update, context, context.t(_("Which entry do you mean?")), keyboard(*rows, cancel_row(context)))
    return PICK


@step(EditDraft, "edit")
async def on_pick_text(update: Update, context: BotContext, draft: EditDraft) -> object:
    return await resolve(update, context, draft, text_of(update))


@step(EditDraft, "edit")
async def on_pick_button(update: Update, context: BotContext, draft: EditDraft) -> object:
    button = pressed(update)
    if button.action != "pick":
        return PICK
    problem = context.authoring.target_entry(draft, button.value)
    if problem is not None:
        await say(update, context, notice(context, problem))
        return PICK
    return await show_entry(update, context, draft)


async def show_entry(update: Update, context: BotContext, draft: EditDraft) -> object:
    assert draft.entry_id is not None
    authoring = context.authoring
    text = entry_text(authoring.kb, draft.entry_id, gettext(context), context.lang)
    text += "\n\n" + context.t(_("Choose the answer to rewrite, or a fact to change."))
    languages = [(f"{FLAGS[code]} {language_name(code)}", "lang", code) for code in LANGUAGES]
    facts = [(f"{{{name}}}", "fact", name) for name in authoring.placeholders_of(draft.entry_id)
             if name in authoring.kb.facts]
    await say(update, context, text, keyboard(languages, *[facts[i:i + 2] for i in range(0, len(facts), 2)],
                                              cancel_row(context)))
    return CHOOSE


@step(EditDraft, "edit")
async def on_choose(update: Update, context: BotContext, draft: EditDraft) -> object:
    button = pressed(update)
    authoring = context.authoring
    if button.action == "fact":
        problem = authoring.target_fact(draft, button.value)
        if problem is not None:
            await say(update, context, notice(context, problem))
            return CHOOSE
        return await ask_fact(update, context, draft)
    if button.action != "lang" or button.value not in LANGUAGES or draft.entry_id is None \
            or draft.entry_id not in authoring.kb.by_id:
        return CHOOSE
    draft.answer_lang = button.value
    current = authoring.kb.by_id[draft.entry_id].answer.get(button.value)
    text = context.t(_("Send the new answer in {language}. Placeholders such as {example} show a fact or a name; "
                       "write {open} or {close} for a brace shown as it is.")).format(
        language=language_in(button.value, context.lang), example="{kitb_area_ha}", open="{{", close="}}")
    if current:
        text += "\n\n" + context.t(_("It reads now:")) + "\n" + current
    await say(update, context, text, keyboard(cancel_row(context)))
    return TEXT


async def ask_fact(update: Update, context: BotContext, draft: EditDraft) -> object:
    assert draft.fact is not None
    text = fact_text(context.authoring.kb, draft.fact, gettext(context), context.lang)
    text += "\n\n" + context.t(_("Send the new value, of the same kind as the current one: a number such as 4300 "
                                 "(with a dot for a decimal, such as 0.72), a date such as 2023-07-07, or a year "
                                 "such as 2024."))
    await say(update, context, text, keyboard(cancel_row(context)))
    return TEXT


@step(EditDraft, "edit")
async def on_text(update: Update, context: BotContext, draft: EditDraft) -> object:
    authoring = context.authoring
    t, lang = gettext(context), context.lang
    if draft.fact is not None:
        before = authoring.kb
        name = draft.fact
        found = await authoring.preview_fact(user_of(update), draft, text_of(update))
        return await show_preview(update, context, found, lambda p: fact_preview(p, before, name, t, lang), TEXT)
    if draft.entry_id is None or draft.answer_lang is None:
        return await show_entry(update, context, draft) if draft.entry_id else PICK
    entry_id = draft.entry_id
    found = await authoring.preview_answer(user_of(update), draft, text_of(update))
    return await show_preview(update, context, found, lambda p: answer_preview(p, entry_id, t, lang), TEXT)
