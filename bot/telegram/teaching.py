"""/unanswered with its nearest entries, and the one press that adds a question to an entry.

The work is in bot/admin/knowledge.py and bot/admin/teach.py. Both handlers are wrapped by
admin_only in bot/telegram/admin.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.admin.notice import Notice
from bot.admin.reports import taught_text, unanswered_heading
from bot.admin.unanswered import yaml_snippet
from bot.i18n import _
from bot.telegram.callbacks import Teach
from bot.telegram.context import BotContext
from bot.telegram.render import BUTTON_TEXT_LIMIT
from bot.telegram.sending import reply_long, reply_pre


async def on_unanswered(update: Update, context: BotContext) -> None:
    """The frequent unanswered questions; then each with buttons for its nearest entries; then a
    YAML snippet for those who prefer to edit the files."""
    assert update.effective_user is not None and update.effective_message is not None
    message = update.effective_message
    days = context.settings.unanswered_days
    groups = context.knowledge_admin.unanswered(update.effective_user.id)
    texts = context.runtime.catalogs.for_language(context.lang)
    if not groups:
        await message.reply_text(unanswered_heading(days, texts, found=False))
        return
    lines = [unanswered_heading(days, texts, found=True)]
    lines += [f"{g.group.count}× [{g.group.lang}] {g.group.text}" for g in groups]
    await reply_long(message, "\n".join(lines))
    kb = context.engine.kb
    for found in groups:
        rows = []
        for entry_id, score in found.nearest:
            data = _teach_data(found.row_ids[0] if found.row_ids else None, entry_id)
            if data is None or entry_id not in kb.by_id:
                continue
            question = kb.question_text(kb.by_id[entry_id], context.lang)
            label = f"➕ {entry_id} ({round(score * 100)}%): {question}"
            rows.append([InlineKeyboardButton(_short(label), callback_data=data)])
        if not rows:
            continue
        text = f"{found.group.count}× [{found.group.lang}] {found.group.text}\n" + context.t(_(
            "Nearest entries. Press one to add this question to its phrasings:"))
        await reply_long(message, text, InlineKeyboardMarkup(rows))
    await message.reply_text(context.t(_("Phrasings to paste into an entry:")))
    await reply_pre(message, yaml_snippet([g.group for g in groups]))


def _teach_data(row_id: int | None, entry_id: str) -> str | None:
    if row_id is None:
        return None
    try:
        return Teach(row_id, entry_id).encode()
    except ValueError:          # an id too long for Telegram's 64 bytes: no button for it
        return None


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT_LIMIT else text[: BUTTON_TEXT_LIMIT - 1] + "…"


async def on_teach_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    button = await context.pressed(Teach)
    if button is None:
        return
    result = await context.teacher.teach_logged(update.effective_user.id, button.row_id, button.entry_id)
    gettext = context.runtime.catalogs.for_language(context.lang)
    if isinstance(result, Notice):
        await query.answer(result.render(gettext)[:200], show_alert=True)
        return
    await query.answer()
    assert update.effective_message is not None
    await reply_long(update.effective_message, taught_text(result, gettext))

