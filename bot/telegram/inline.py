"""Inline mode: `@BotName question` in any chat offers up to five answers.

Every result stays within what Telegram accepts: at most 50 results, ids of 1–64 bytes (entry ids
are 40 characters at most), a message text of 1–4,096 characters. An answer longer than one message
is shortened and ends with a link that opens the whole answer in a private chat with the bot
(`/start <entry-id>`, a deep link). The Bot API documents no length for titles and descriptions;
they are kept short so that Telegram's list shows them whole.
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import InlineQueryLimit, MessageLimit
from telegram.helpers import create_deep_linked_url

from bot.engine.answer import Reply
from bot.i18n import _, negotiate
from bot.telegram.context import BotContext
from bot.telegram.render import shorten

MAX_RESULTS = 5
TITLE_LIMIT = 100              # characters: about two lines of Telegram's result list
DESCRIPTION_LIMIT = 200
FULL_ANSWER = _("The whole answer: {link}")
assert MAX_RESULTS <= InlineQueryLimit.RESULTS


def message_text(reply: Reply, link: str, gettext_full_answer: str,
                 limit: int = MessageLimit.MAX_TEXT_LENGTH) -> str:
    """The text an inline result sends: the answer, or, when it is longer than `limit`, its
    beginning and `gettext_full_answer` (a translated "{link}" text) with `link` filled in."""
    if len(reply.text) <= limit:
        return reply.text
    pointer = "\n\n" + gettext_full_answer.format(link=link)
    return shorten(reply.text, limit - len(pointer)) + pointer


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
        link = create_deep_linked_url(context.bot.username, reply.entry_id)
        results.append(InlineQueryResultArticle(
            id=reply.entry_id,
            title=shorten(engine.kb.question_text(entry, reply.lang), TITLE_LIMIT),
            description=shorten(reply.text, DESCRIPTION_LIMIT),
            input_message_content=InputTextMessageContent(message_text(reply, link,
                                                                       runtime.t(reply.lang, FULL_ANSWER))),
        ))
    # Personal: the results follow the reader's language, so Telegram must not show one reader's cache to another.
    await query.answer(results[:InlineQueryLimit.RESULTS], cache_time=30, is_personal=True)
