"""What the engine replies: values the edges render (Telegram, the console, `ask --json`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import _

KINDS = ("answer", "partial", "clarify", "fallback")


@dataclass(frozen=True)
class Choice:
    entry_id: str
    text: str              # the entry's question, in the reader's language


@dataclass(frozen=True)
class Ranked:
    """One of the nearest entries for a question: what nearly matched (tools, /unanswered)."""
    entry_id: str
    score: float           # 0..1, the engine's confidence score for this entry


@dataclass(frozen=True)
class Reply:
    kind: str                        # one of KINDS: an answer; a partial reply (what the report does not
                                     # say, then what it says: entry_id is the entry shown); "did you
                                     # mean"; the honest fallback
    lang: str
    text: str                        # answer, partial reply, "did you mean" prompt, or fallback text
    score: float = 0.0
    entry_id: str | None = None
    choices: tuple[Choice, ...] = ()   # "did you mean": the entries offered; an answer: the close entries
                                       # offered under it ("not what you asked?"), when it is only probable
    related: tuple[Choice, ...] = ()
    examples: tuple[str, ...] = field(default=())   # fallback: questions one could ask instead
    candidates: tuple[Ranked, ...] = ()              # the top three entries, best first, on every kind
    missing: tuple[str, ...] = ()                    # partial: the kinds of detail the report does not give


# What a partial reply says first: the detail the report does not give (`bot.text.kinds`).
MISSING = {
    "who": _("The news report I answer from does not say who."),
    "when": _("The news report I answer from does not give that date."),
    "time": _("The news report I answer from does not give the time."),
    "where": _("The news report I answer from does not say where."),
    "quantity": _("The news report I answer from does not give that figure."),
    "amount": _("The news report I answer from does not give an amount."),
    "duration": _("The news report I answer from does not say how long."),
    "list": _("The news report I answer from gives no such list."),
    "phone": _("The news report I answer from gives no phone number."),
    "address": _("The news report I answer from gives no address."),
    "email": _("The news report I answer from gives no email address."),
    "website": _("The news report I answer from gives no website."),
}
