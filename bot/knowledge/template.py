"""Answer templates: `{fact}` / `{fact:style}` placeholders, `{{` and `}}` for literal braces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z0-9_]*)(?::([A-Za-z]*))?\}|[{}]")


@dataclass(frozen=True)
class Placeholder:
    name: str
    style: str | None
    offset: int


class TemplateError(ValueError):
    def __init__(self, offset: int):
        super().__init__("unbalanced brace")
        self.offset = offset


def placeholders(template: str) -> list[Placeholder]:
    """All placeholders in order; raises TemplateError on a stray or empty brace."""
    found = []
    for match in _TOKEN.finditer(template):
        text = match.group(0)
        if text in ("{{", "}}"):
            continue
        if text in ("{", "}") or not match.group(1):
            raise TemplateError(match.start())
        found.append(Placeholder(match.group(1), match.group(2) or None, match.start()))
    return found


def render(template: str, resolve: Callable[[str, str | None], str]) -> str:
    """Replace each placeholder with resolve(name, style); literal braces are unescaped."""
    def substitute(match: re.Match) -> str:
        text = match.group(0)
        if text == "{{":
            return "{"
        if text == "}}":
            return "}"
        if text in ("{", "}") or not match.group(1):
            return text
        return resolve(match.group(1), match.group(2) or None)
    return _TOKEN.sub(substitute, template)
