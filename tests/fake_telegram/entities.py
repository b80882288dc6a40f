"""Telegram's HTML parse mode, and the entities Telegram detects in what users type."""

from __future__ import annotations

import re
from typing import Any

from tests.fake_telegram.wire import utf16_len


class HtmlParseError(ValueError):
    pass


_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_ATTR_RE = re.compile(
    r"""([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|lt|gt|amp|quot);")
_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "code": "code", "pre": "pre",
}
_SUPPORTED_TAGS = set(_SIMPLE_TAGS) | {"a", "span", "blockquote", "tg-emoji"}


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML into (plain text, entities) like the Bot API does.

    Raises HtmlParseError with Telegram's wording for unsupported/unbalanced tags.
    Offsets and lengths of entities are in UTF-16 code units.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "<":
            match = _TAG_RE.match(source, i)
            byte_offset = len(source[:i].encode("utf-8"))
            if not match:
                raise HtmlParseError(f'Unsupported start tag "" at byte offset {byte_offset}')
            closing, name, attr_text = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                if not stack:
                    raise HtmlParseError(f'Unexpected end tag at byte offset {byte_offset}')
                open_name, attrs, start = stack.pop()
                if open_name != name:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {byte_offset}, expected '
                        f'"</{open_name}>", found "</{name}>"')
                entity = _html_entity(open_name, attrs, start, pos16 - start, stack, entities)
                if entity is not None:
                    entities.append(entity)
            else:
                if name not in _SUPPORTED_TAGS:
                    raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
                attrs = {}
                for attr in _ATTR_RE.finditer(attr_text or ""):
                    value = next((g for g in attr.group(2, 3, 4) if g is not None), "")
                    attrs[attr.group(1).lower()] = _unescape_html(value)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise HtmlParseError('Tag "span" must have class "tg-spoiler" at byte offset '
                                         f'{byte_offset}')
                if name == "tg-emoji" and "emoji-id" not in attrs:
                    raise HtmlParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte '
                                         f'offset {byte_offset}')
                stack.append((name, attrs, pos16))
            i = match.end()
            continue
        if char == "&":
            match = _HTML_ENTITY_RE.match(source, i)
            if match:
                decoded = _unescape_html(match.group(0))
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = match.end()
                continue
        out.append(char)
        pos16 += 2 if ord(char) > 0xFFFF else 1
        i += 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _unescape_html(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body[0] == "#":
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
            try:
                return chr(code)
            except (ValueError, OverflowError):
                return match.group(0)
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[body]
    return _HTML_ENTITY_RE.sub(one, text)


def _html_entity(name: str, attrs: dict[str, str], offset: int, length: int,
                 stack: list[tuple[str, dict[str, str], int]],
                 entities: list[dict[str, Any]]) -> dict[str, Any] | None:
    if length <= 0:
        return None
    entity: dict[str, Any] = {"offset": offset, "length": length}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None
        user = re.match(r"tg://user\?id=(\d+)\Z", href)
        if user:
            entity.update(type="text_mention",
                          user={"id": int(user.group(1)), "is_bot": False, "first_name": "User"})
        else:
            entity.update(type="text_link", url=href)
        return entity
    if name == "span":
        entity["type"] = "spoiler"
        return entity
    if name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return entity
    if name == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=attrs["emoji-id"])
        return entity
    if name == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][1]["language"] = language[len("language-"):]
            return None
    entity["type"] = _SIMPLE_TAGS[name]
    if name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    return entity


# --- entities Telegram detects in what users type ----------------------------------------------
_AUTO_ENTITY_RES = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_])",
                               re.ASCII)),
    ("url", re.compile(r"(?<!\S)https?://[^\s]+", re.ASCII)),
    ("mention", re.compile(r"(?<![A-Za-z0-9_@/])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])", re.ASCII)),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """bot_command, url, mention and hashtag entities, as Telegram adds them to user messages."""
    taken: list[tuple[int, int]] = []
    entities = []
    for kind, pattern in _AUTO_ENTITY_RES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            entities.append({"type": kind, "offset": utf16_len(text[:start]),
                             "length": utf16_len(match.group(0))})
    entities.sort(key=lambda e: e["offset"])
    return entities
