"""Inline mode: `@BotName question` in any chat offers up to five answers."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from bot.i18n import negotiate
from bot.telegram.context import BotContext

MAX_RESULTS = 5


async def on_inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    runtime = context.runtime
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=5)
        return
    engine = runtime.engine
    preferred = runtime.store.user_language(query.from_user.id) or negotiate(query.from_user.language_code,
                                                                              runtime.settings.default_language)
    results = []
    for reply in engine.suggestions(text, preferred=preferred, limit=MAX_RESULTS):
        if reply.entry_id is None:
            continue
        entry = engine.kb.by_id[reply.entry_id]
        results.append(InlineQueryResultArticle(
            id=reply.entry_id,
            title=engine.kb.question_text(entry, reply.lang),
            description=reply.text[:200],
            input_message_content=InputTextMessageContent(reply.text),
        ))
    # Personal: the results follow the reader's language, so Telegram must not show one reader's cache to another.
    await query.answer(results, cache_time=30, is_personal=True)
