"""`python -m bot chat`: a console conversation that behaves like the Telegram chat."""

from __future__ import annotations

from typing import Callable, TextIO

from bot import LANGUAGES
from bot.engine.answer import Choice, Engine, Reply
from bot.i18n import _, language_name
from bot.store import Store

CONSOLE_USER = 0   # the console's row in the users table: it remembers its language like a Telegram user


class Conversation:
    """State of one console chat: the reader's language and the numbered choices on screen."""

    def __init__(self, engine: Engine, lang: str, store: Store | None = None, chosen: bool = False):
        """`lang`: the interface language; `chosen` (the user asked for it, `--lang`) makes it win
        over the language remembered from an earlier session, and remembers it instead."""
        self.engine = engine
        self.store = store
        remembered = store.user_language(CONSOLE_USER) if store and not chosen else None
        self.lang = remembered or lang
        if chosen and store is not None:
            store.set_user_language(CONSOLE_USER, lang)
        self.offered: list[Choice] = []
        self.offered_lang = self.lang       # the language the numbered choices were shown in

    def t(self, message: str) -> str:
        return self.engine.catalogs.gettext(self.lang, message)

    def intro(self) -> str:
        return self.t(_("Sahabat, console mode. Ask about the KITB – Chungbuk Technopark MoU in Indonesian, Korean "
                        "or English. Type a number to pick a suggestion, /lang id|ko|en to change the language, "
                        "/quit to leave."))

    def handle(self, line: str) -> str | None:
        """One line in, the text to print out; None means the user left."""
        line = line.strip()
        if not line:
            return ""
        if line in ("/quit", "/exit", "/q"):
            return None
        if line.startswith("/lang"):
            return self.switch_language(line.partition(" ")[2].strip())
        if line in ("/help", "/start"):
            return self.intro()
        if line.isdigit() and self.offered:
            if not 1 <= int(line) <= len(self.offered):
                return self.t(_("Type a number from 1 to {count}, or ask a question.")).format(
                    count=len(self.offered))
            choice = self.offered[int(line) - 1]
            reply = self.engine.answer_by_id(choice.entry_id, self.offered_lang)
            return self.render(reply) if reply else ""
        if line.startswith("/"):
            return self.t(_("I do not know that command. /help shows what I can do."))
        reply = self.engine.ask(line, preferred=self.lang)
        if reply.kind in ("fallback", "partial") and self.store is not None:
            self.store.log_unanswered(line, reply.lang, "console", reply.score)
        return self.render(reply)

    def switch_language(self, lang: str) -> str:
        if lang not in LANGUAGES:
            options = ", ".join(f"{code} ({language_name(code)})" for code in LANGUAGES)
            return self.t(_("Choose a language: {options}")).format(options=options)
        self.lang = lang
        if self.store is not None:
            self.store.set_user_language(CONSOLE_USER, lang)
        return self.t(_("Language: {language}")).format(language=language_name(lang))

    def render(self, reply: Reply) -> str:
        t = lambda message: self.engine.catalogs.gettext(reply.lang, message)  # noqa: E731
        lines = [reply.text]
        self.offered = list(reply.choices or reply.related)
        self.offered_lang = reply.lang
        if reply.kind == "answer" and reply.choices:
            lines.append(t(_("Not what you asked?")))
        elif reply.kind == "fallback" and reply.examples:
            lines.append(t(_("You could ask, for example:")))
            lines += [f"  • {example}" for example in reply.examples]
        elif reply.related:
            lines.append(t(_("Related:")))
        lines += [f"  {n}. {choice.text}" for n, choice in enumerate(self.offered, 1)]
        return "\n".join(lines)


def run_console(engine: Engine, lang: str, store: Store | None = None, read: Callable[[str], str] = input,
                out: TextIO | None = None, chosen: bool = False) -> int:
    import sys
    out = out or sys.stdout
    conversation = Conversation(engine, lang, store, chosen)
    print(conversation.intro(), file=out)
    while True:
        try:
            line = read("> ")
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        text = conversation.handle(line)
        if text is None:
            return 0
        if text:
            print(text, file=out, flush=True)
