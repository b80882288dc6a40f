"""Edit a knowledge file's text in place, keeping everything else byte for byte.

The file is composed (not loaded) with PyYAML's pure-Python parser, which gives each node's
character offsets; an edit replaces or inserts exactly the text of one value, pair or list item, in
the surrounding style (flow `[...]`/`{...}` or block `- ...`/`key: value`). Comments and layout
outside that span stay as they were. Callers (`add_phrasing` here, bot/admin/kb_yaml.py) parse the
result again and compare it with the original plus exactly the intended change, or write nothing.
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


def compose(text: str) -> Node | None:
    """The node tree of `text` (None for an empty file); EditError when it is not YAML."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)      # the pure-Python parser: character offsets
    except yaml.YAMLError:
        raise EditError(_("the file is not valid YAML")) from None


def get(mapping: Node | None, key: str) -> tuple[ScalarNode, Node] | None:
    """(key node, value node) of `key` in a mapping node; None when absent or not a mapping."""
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def item_with_id(sequence: Node | None, item_id: str) -> tuple[int, MappingNode] | None:
    """(index, node) of the mapping in a list whose `id:` is `item_id`."""
    if not isinstance(sequence, SequenceNode):
        return None
    for index, item in enumerate(sequence.value):
        found = get(item, "id")
        if found is not None and isinstance(found[1], ScalarNode) and found[1].value == item_id:
            assert isinstance(item, MappingNode)
            return index, item
    return None


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def end_of(node: Node) -> int:
    """Index of the last character of `node`'s own text. A block collection's end mark is where the
    next token starts (possibly lines later), so descend to its last scalar or flow collection; a
    block scalar's span ends with its line breaks, which are not its own text."""
    while isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return max(node.end_mark.index - 1, node.start_mark.index)


def _layout_error(node: Node) -> EditError:
    return EditError(_("unexpected layout near line {line}"), line=node.start_mark.line + 1)


def _dash(text: str, item: Node) -> int:
    """Index of the '-' that starts a block list item, with nothing but spaces before it on its line."""
    start = line_start(text, item.start_mark.index)
    dash = text.rfind("-", start, item.start_mark.index)
    if dash < 0 or text[start:dash].strip():
        raise _layout_error(item)
    return dash


def _block(lines: str, column: int) -> str:
    """A block list item: '- ' at `column`, its other lines indented under the first."""
    first, *rest = lines.split("\n")
    return " " * column + "- " + first + "".join("\n" + " " * (column + 2) + line if line else "\n" for line in rest)


def replace_value(text: str, key: ScalarNode, value: Node, new: str) -> str:
    """`text` with `key`'s value written as `new` (a scalar or a flow collection)."""
    if isinstance(value, ScalarNode) and value.value == "" and value.style is None:
        colon = text.find(":", key.end_mark.index)                  # `end:` with nothing after it
        if colon < 0 or text[key.end_mark.index:colon].strip():
            raise _layout_error(key)
        return text[:colon + 1] + " " + new + text[colon + 1:]
    if isinstance(value, (SequenceNode, MappingNode)) and not value.flow_style:
        return text[:key.end_mark.index] + ": " + new + text[end_of(value) + 1:]
    start, end = value.start_mark.index, value.end_mark.index
    span = text[start:end]
    trailing = span[len(span.rstrip()):]                            # a block scalar's line breaks stay
    return text[:start] + new + trailing + text[end:]


def insert_pair(text: str, mapping: MappingNode, key: str, value: str) -> str:
    """`text` with `key: value` added at the end of `mapping`, in its style."""
    if mapping.flow_style:
        close = mapping.end_mark.index - 1
        if text[close] != "}":
            raise _layout_error(mapping)
        at = mapping.value[-1][1].end_mark.index if mapping.value else close
        return text[:at] + (", " if mapping.value else "") + f"{key}: {value}" + text[at:]
    if not mapping.value:
        raise _layout_error(mapping)
    first_key = mapping.value[0][0]
    indent = text[line_start(text, first_key.start_mark.index):first_key.start_mark.index]
    if indent.strip() and indent.strip() != "-":
        raise _layout_error(first_key)
    indent = " " * len(indent)                                      # under the first key, after any '- '
    at = line_end(text, end_of(mapping.value[-1][1]))
    return text[:at] + "\n" + indent + f"{key}: {value}" + text[at:]


def remove_pair(text: str, mapping: MappingNode, key: str) -> str:
    """`text` without `key` and its value (a block mapping whose key starts its own line)."""
    found = get(mapping, key)
    if found is None:
        return text
    key_node, value = found
    if mapping.flow_style:
        raise _layout_error(mapping)
    start = line_start(text, key_node.start_mark.index)
    if text[start:key_node.start_mark.index].strip():
        raise _layout_error(key_node)
    end = line_end(text, end_of(value))
    return text[:start] + text[min(end + 1, len(text)):]


def append_item(text: str, sequence: SequenceNode, lines: str) -> str:
    """`text` with a block item (its YAML `lines`, the first without the dash) after the last one."""
    if sequence.flow_style or not sequence.value:
        raise _layout_error(sequence)
    last = sequence.value[-1]
    column = _dash(text, last) - line_start(text, last.start_mark.index)
    at = line_end(text, end_of(last))
    return text[:at] + "\n" + _block(lines, column) + text[at:]


def replace_item(text: str, sequence: SequenceNode, index: int, lines: str | None) -> str:
    """`text` with the block item at `index` written as `lines`, or removed when `lines` is None."""
    if sequence.flow_style:
        raise _layout_error(sequence)
    item = sequence.value[index]
    dash = _dash(text, item)
    start = line_start(text, dash)
    end = line_end(text, end_of(item))
    if lines is None:
        return text[:start] + text[min(end + 1, len(text)):]
    return text[:start] + _block(lines, dash - start) + text[end:]


def set_list(text: str, root: Node | None, key: str, lines: str) -> str:
    """`text` with a top-level `key:` block list holding one item (`lines`): the key is added at the
    end of the file, or its empty value (`key:` or `key: []`) replaced."""
    block = _block(lines, 2)
    found = get(root, key)
    if found is None:
        if root is not None and not isinstance(root, MappingNode):
            raise _layout_error(root)
        body = text if not text or text.endswith("\n") else text + "\n"
        return body + f"{key}:\n" + block + "\n"
    key_node, value = found
    empty = (isinstance(value, ScalarNode) and value.value in ("", "~", "null")) or \
        (isinstance(value, SequenceNode) and not value.value)
    if not empty:
        raise _layout_error(value)
    end = value.end_mark.index if value.value != "" else key_node.end_mark.index + 1
    return text[:key_node.end_mark.index] + ":\n" + block + text[line_end(text, max(end - 1, 0)):]


def add_phrasing(text: str, entry_id: str, lang: str, phrasing: str) -> str:
    """`text` (a knowledge file) with `phrasing` appended to `entry_id`'s questions in `lang`.
    Raises EditError when the entry or a layout it can handle is not found."""
    root = compose(text)
    entries = get(root, "entries")
    if entries is None or not isinstance(entries[1], SequenceNode):
        raise EditError(_("the file has no 'entries:' list"))
    found_entry = item_with_id(entries[1], entry_id)
    if found_entry is None:
        raise EditError(_("the entry {entry} is not in this file"), entry=entry_id)
    questions = get(found_entry[1], "questions")
    if questions is None or not isinstance(questions[1], MappingNode):
        raise EditError(_("the entry {entry} has no 'questions:' mapping"), entry=entry_id)
    value = quoted(phrasing)
    found = get(questions[1], lang)
    if found is None:
        edited = insert_pair(text, questions[1], lang, f"[{value}]")
    elif isinstance(found[1], SequenceNode) and found[1].flow_style:
        edited = _append_flow(text, found[1], value)
    elif isinstance(found[1], SequenceNode) and found[1].value:
        edited = append_item(text, found[1], value)
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
