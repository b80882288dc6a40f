"""A message a service returns instead of text: an English msgid and its parameters, translated by the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal

from bot.i18n import Plural, Translator

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Notice:
    message: str | Plural                           # msgid with {placeholders}, or a plural pair
    params: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""                                # shown as is before the message (a file:line:column)

    def render(self, gettext: Gettext) -> str:
        """Translate first, format after. A Plural picks its form by params["count"], which is then
        written with the reader's digit grouping (1.048.576 / 1,048,576); a plain gettext function
        (no catalog, no plural rule) shows a Plural as the English msgids."""
        if not isinstance(self.message, Plural):
            return self.prefix + gettext(self.message).format(**self.params)
        t = gettext if isinstance(gettext, Translator) else Translator.untranslated()
        count = self.params["count"]
        text = t.ngettext(*self.message, count)
        return self.prefix + text.format(**self.params | {"count": format_decimal(count, locale=t.lang)})
