"""Problems found in knowledge files: an English msgid with parameters, translated when shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

Gettext = Callable[[str], str]


class Msg(NamedTuple):
    """A translatable piece inside another message ("the answer of 'kitb-area'")."""
    message: str
    params: dict[str, Any]

    def render(self, gettext: Gettext) -> str:
        return gettext(self.message).format(**_render_params(self.params, gettext))


def _render_params(params: dict[str, Any], gettext: Gettext) -> dict[str, Any]:
    return {k: v.render(gettext) if isinstance(v, Msg) else v for k, v in params.items()}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str                     # an English msgid with {placeholders}; translate, then format
    params: dict = field(default_factory=dict)
    warning: bool = False

    def render(self, gettext: Gettext = lambda s: s) -> str:
        """'file:line:column: error: text' in the language of `gettext`."""
        text = gettext(self.message).format(**_render_params(self.params, gettext))
        kind = gettext("warning") if self.warning else gettext("error")
        return f"{self.file}:{self.line}:{self.column}: {kind}: {text}"
