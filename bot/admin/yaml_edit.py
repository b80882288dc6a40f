"""Add one phrasing to an entry in a knowledge file, keeping everything else byte for byte.

The file is composed (not loaded) with PyYAML to find where the entry's `questions: <lang>:` list
starts and ends; the new phrasing is inserted there as one double-quoted scalar, in the list's own
style (flow `[...]` or block `- ...`). The result is parsed again and must equal the original with
exactly that phrasing added, or nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.i18n import _


class EditError(ValueError):
    """The file's layout is one this editor does not handle; `message` is a msgid."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back exactly (JSON strings are valid YAML)."""
    for candidate in (json.dumps(text, ensure_ascii=False), json.dumps(text)):
        try:
            if yaml.safe_load(candidate) == text:
                return candidate
        except yaml.YAMLError:       # a character YAML does not allow raw: the escaped form follows
            continue
    raise EditError(_("the phrasing cannot be written safely"))


def _get(mapping: Node, key: str) -> tuple[ScalarNode, Node] | None:
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def _entry_node(root: Node, entry_id: str) -> MappingNode:
    found = _get(root, "entries")
    if found is None or not isinstance(found[1], SequenceNode):
        raise EditError(_("the file has no 'entries:' list"))
    for item in found[1].value:
        id_pair = _get(item, "id")
        if id_pair is not None and isinstance(id_pair[1], ScalarNode) and id_pair[1].value == entry_id:
            assert isinstance(item, MappingNode)
            return item
    raise EditError(_("the entry {entry} is not in this file"), entry=entry_id)


def add_phrasing(text: str, entry_id: str, lang: str, phrasing: str) -> str:
    """`text` (a knowledge file) with `phrasing` appended to `entry_id`'s questions in `lang`.
    Raises EditError when the entry or a layout it can handle is not found."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)      # the pure-Python parser: character offsets
    if root is None:
        raise EditError(_("the file has no 'entries:' list"))
    entry = _entry_node(root, entry_id)
    questions = _get(entry, "questions")
    if questions is None or not isinstance(questions[1], MappingNode):
        raise EditError(_("the entry {entry} has no 'questions:' mapping"), entry=entry_id)
    value = quoted(phrasing)
    found = _get(questions[1], lang)
    if found is None:
        edited = _add_language(text, questions[1], lang, value)
    elif isinstance(found[1], SequenceNode) and found[1].flow_style:
        edited = _append_flow(text, found[1], value)
    elif isinstance(found[1], SequenceNode) and found[1].value:
        edited = _append_block(text, found[1], value)
    else:
        raise EditError(_("the questions of {entry} in {lang} are not a list"), entry=entry_id, lang=lang)
    _verify(text, edited, entry_id, lang, phrasing)
    return edited


def _append_flow(text: str, sequence: SequenceNode, value: str) -> str:
    close = sequence.end_mark.index - 1                    # the closing bracket
    if text[close] != "]":
        raise EditError(_("unexpected layout near line {line}"), line=sequence.end_mark.line + 1)
    insert = (", " if sequence.value else "") + value
    if sequence.value:                                     # right after the last item, before any space
        close = sequence.value[-1].end_mark.index
    return text[:close] + insert + text[close:]


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _end_of(node: Node) -> int:
    """Index of the last character of `node`'s own text. A block collection's end mark is where the
    next token starts (possibly lines later), so descend to its last scalar or flow collection."""
    while isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return max(node.end_mark.index - 1, node.start_mark.index)


def _append_block(text: str, sequence: SequenceNode, value: str) -> str:
    last = sequence.value[-1]
    start = _line_start(text, last.start_mark.index)
    dash = text.rfind("-", start, last.start_mark.index)
    if dash < 0 or text[start:dash].strip():
        raise EditError(_("unexpected layout near line {line}"), line=last.start_mark.line + 1)
    end = _line_end(text, _end_of(last))
    return text[:end] + "\n" + text[start:dash] + "- " + value + text[end:]


def _add_language(text: str, questions: MappingNode, lang: str, value: str) -> str:
    if questions.flow_style:
        close = questions.end_mark.index - 1
        if text[close] != "}":
            raise EditError(_("unexpected layout near line {line}"), line=questions.end_mark.line + 1)
        last_value = questions.value[-1][1].end_mark.index if questions.value else close
        insert = (", " if questions.value else "") + f"{lang}: [{value}]"
        return text[:last_value] + insert + text[last_value:]
    first_key = questions.value[0][0]
    indent = text[_line_start(text, first_key.start_mark.index):first_key.start_mark.index]
    if indent.strip():
        raise EditError(_("unexpected layout near line {line}"), line=first_key.start_mark.line + 1)
    end = _line_end(text, _end_of(questions.value[-1][1]))
    return text[:end] + "\n" + indent + f"{lang}: [{value}]" + text[end:]


def _verify(before: str, after: str, entry_id: str, lang: str, phrasing: str) -> None:
    """The edit must read back as the original plus exactly this phrasing."""
    expected = yaml.safe_load(before)
    for entry in expected["entries"]:
        if isinstance(entry, dict) and entry.get("id") == entry_id:
            entry["questions"].setdefault(lang, [])
            entry["questions"][lang].append(phrasing)
    try:
        actual = yaml.safe_load(after)
    except yaml.YAMLError:
        actual = None
    if actual != expected:
        raise EditError(_("the phrasing cannot be written safely"))
