"""A message a service returns instead of text: an English msgid and its parameters, translated by the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Notice:
    message: str                                    # msgid with {placeholders}
    params: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""                                # shown as is before the message (a file:line:column)

    def render(self, gettext: Gettext) -> str:
        """Translate first, format after."""
        return self.prefix + gettext(self.message).format(**self.params)
