"""Safe YAML reading that keeps line and column of every value and refuses hostile input.

PyYAML's SafeLoader never builds Python objects from tags, but it happily expands aliases
(a "billion laughs" file) and recurses on deep nesting. We read the event stream first to
bound depth and aliases, then convert nodes ourselves so every value keeps its position.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor

# LibYAML's parser when PyYAML was built with it (the wheels are): same events and marks, 10× faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 24
MAX_NODES = 200_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


def N_(message: str) -> str:
    """Mark a message for translation; it is translated when shown, in the reader's language."""
    return message


class Mark(NamedTuple):
    # A tuple, not a dataclass: a large base has hundreds of thousands, made four times faster.
    line: int    # 1-based
    column: int  # 1-based


class Scalar(NamedTuple):
    """How a scalar was written, for checks that must see the author's text, not PyYAML's guess."""
    text: str                  # the literal text, without quotes (NFC)
    plain: bool                # unquoted and not a block scalar: YAML 1.1 guessed its type from the text
    tag: str                   # what it resolved to, e.g. tag:yaml.org,2002:int
    comment: str | None = None  # a '# ...' right after a plain scalar on the same line


class YamlProblem(Exception):
    def __init__(self, mark: Mark, message: str, **params: Any) -> None:
        super().__init__(message.format(**params))
        self.mark = mark
        self.message = message
        self.params = params


class LMap(dict[Any, Any]):
    """A mapping that remembers where it and each of its keys and values stand."""
    def __init__(self, *args: Any, mark: Mark = Mark(1, 1)) -> None:
        super().__init__(*args)
        self.mark = mark
        self.key_marks: dict[Any, Mark] = {}
        self.value_marks: dict[Any, Mark] = {}
        self.key_scalars: dict[Any, Scalar] = {}
        self.scalars: dict[Any, Scalar] = {}       # only for values that are scalars

    def mark_of(self, key: Any) -> Mark:
        return self.value_marks.get(key, self.mark)

    def scalar_of(self, key: Any) -> Scalar | None:
        return self.scalars.get(key)


class LList(list[Any]):
    """A list that remembers where it and each of its items stand."""
    def __init__(self, *args: Any, mark: Mark = Mark(1, 1)) -> None:
        super().__init__(*args)
        self.mark = mark
        self.item_marks: list[Mark] = [mark] * len(self)
        self.item_scalars: list[Scalar | None] = [None] * len(self)


def _mark(node_or_mark: Any) -> Mark:
    m = getattr(node_or_mark, "start_mark", node_or_mark)
    return Mark(m.line + 1, m.column + 1)


def decode_utf8(data: bytes) -> str:
    """Decode or raise YamlProblem pointing at the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(Mark(line, column), N_("the file is not UTF-8 text (byte 0x{byte:02x})"),
                          byte=data[exc.start]) from None
    return text.removeprefix("\ufeff")


def _compose(text: str) -> yaml.Node | None:
    """The node graph of `text`, after bounding its depth. A valid file's depth is checked on its
    nodes; a broken file's on its events, before its syntax error (which the parser meets later):
    either way the problem reported is the first of the file."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except (yaml.YAMLError, RecursionError):
        _check_events(text)
        raise
    if node is not None:
        _check_depth(node)
    return node


def _check_depth(root: yaml.Node) -> None:
    """Raise at the first collection, in document order, nested deeper than MAX_DEPTH, counting as
    the text is written: an alias is not followed (its anchor was counted where it stands)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlProblem(_mark(node), N_("the file nests deeper than {limit} levels"), limit=MAX_DEPTH)
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        stack.extend((child, depth + 1) for child in reversed(children) if not isinstance(child, yaml.ScalarNode))


def _check_events(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(_mark(event), N_("the file nests deeper than {limit} levels"), limit=MAX_DEPTH)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def parse_yaml(data: bytes) -> Any:
    """Bytes of one YAML document → LMap / LList / scalars (text in NFC). Raises YamlProblem."""
    if len(data) > MAX_FILE_BYTES:
        raise YamlProblem(Mark(1, 1), N_("the file is {size} bytes; the limit is {limit} bytes"),
                          size=len(data), limit=MAX_FILE_BYTES)
    text = decode_utf8(data)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        if "nesting depth" in str(exc.problem):     # LibYAML's own, lower-level limit
            raise YamlProblem(where, N_("the file nests deeper than {limit} levels"), limit=MAX_DEPTH) from None
        raise _explained(text, where, exc) from None
    except yaml.reader.ReaderError as exc:       # a control character (NUL, BEL, ...): no mark, a position
        before = _LINE_BREAK.split(text[: exc.position])
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlProblem(Mark(len(before), len(before[-1]) + 1),
                          N_("the control character U+{code} is not allowed in YAML; remove it"),
                          code=f"{code:04X}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Mark(1, 1), N_("YAML syntax error: {reason}"), reason=str(exc)) from None
    except RecursionError:
        raise YamlProblem(Mark(1, 1), N_("the file nests deeper than {limit} levels"), limit=MAX_DEPTH) from None
    if node is None:
        return None
    return _Converter(text).convert(node)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _explained(text: str, where: Mark, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """A syntax error in the words of its usual cause; LibYAML's own words otherwise."""
    lines = _LINE_BREAK.split(text)
    # A tab in the indentation of the line at fault (or the one before: the parser notices late).
    for number in (where.line, where.line - 1):
        if 1 <= number <= len(lines):
            indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip(" \t"))]
            if "\t" in indent:
                return YamlProblem(Mark(number, indent.index("\t") + 1),
                                   N_("a tab is used for indentation; YAML indents with spaces only"))
    if "flow" in str(exc.context or "") and exc.context_mark is not None:
        # A ' #' inside [a, b] or {a: b} comments out the rest of the line, closing bracket included.
        for number in range(exc.context_mark.line + 1, min(where.line, len(lines)) + 1):
            hash_at = re.search(r"[ \t]#", lines[number - 1])
            if hash_at:
                return YamlProblem(Mark(number, hash_at.start() + 2),
                                   N_("' #' starts a comment, which cuts this line short, closing bracket "
                                      "included; put the text with '#' in quotes"))
    line = lines[where.line - 1] if where.line <= len(lines) else ""
    here = line[where.column - 1: where.column]
    problem = str(exc.problem or "")
    if here in ("@", "`"):
        return YamlProblem(where, N_("a text cannot start with {char} unless it is in quotes"), char=here)
    if "mapping values are not allowed" in problem:
        return YamlProblem(where, N_("': ' inside a text without quotes starts a new key; put the whole text "
                                     "in quotes"))
    reason = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
    return YamlProblem(where, N_("YAML syntax error: {reason}"), reason=reason)


def _nfc(value: Any) -> Any:
    if isinstance(value, str) and not value.isascii():     # ASCII is NFC already
        return unicodedata.normalize("NFC", value)
    return value


class _Converter:
    """Nodes → LMap / LList / values with their marks, in document order (so the first problem in
    the file is the one reported). Scalars take a fast path for plain text, by far the most common."""

    def __init__(self, text: str) -> None:
        self.visited = 0
        self.scalars = SafeConstructor()
        self.lines = _LINE_BREAK.split(text)
        self.open: set[int] = set()        # the collections being converted: an alias to one nests forever

    def count(self, node: yaml.Node) -> None:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise YamlProblem(_mark(node), N_("the file expands to more than {limit} values "
                                              "(aliases used to blow it up?)"), limit=MAX_NODES)

    def convert(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.leaf(node)[0]
        return self.collection(node)

    def leaf(self, node: yaml.ScalarNode) -> tuple[Any, Scalar]:
        """A scalar's value (text in NFC) and how it was written. `count`, `_nfc` and `describe`
        written out: a large base has hundreds of thousands of scalars."""
        self.visited += 1
        if self.visited > MAX_NODES:
            self.count(node)
        text = node.value
        if not text.isascii():          # ASCII is NFC already
            text = unicodedata.normalize("NFC", text)
        style, comment = node.style, None
        if not style:                   # plain (None or ""): look for a comment after it
            end = node.end_mark
            if end.line < len(self.lines):
                rest = self.lines[end.line][end.column:]
                if rest[:1] in (" ", "\t") and rest.lstrip(" \t").startswith("#"):
                    comment = rest.lstrip(" \t")
        scalar = Scalar(text, not style, node.tag, comment)
        if node.tag == _STR_TAG:        # what SafeConstructor makes of it: the text itself
            return text, scalar
        return self.scalar(node), scalar

    def collection(self, node: yaml.Node) -> LMap | LList:
        self.count(node)
        mark = _mark(node)
        if id(node) in self.open:       # `a: &a [*a]`
            raise YamlProblem(mark, N_("the file nests deeper than {limit} levels"), limit=MAX_DEPTH)
        self.open.add(id(node))
        try:
            return self.build(node, mark)
        finally:
            self.open.discard(id(node))

    def build(self, node: yaml.Node, mark: Mark) -> LMap | LList:
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise YamlProblem(mark, N_("the tag {tag} is not allowed; use plain values"), tag=node.tag)
            items = LList(mark=mark)
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    value, scalar = self.leaf(item)
                    items.append(value)
                    start = item.start_mark
                    items.item_marks.append(Mark(start.line + 1, start.column + 1))
                    items.item_scalars.append(scalar)
                else:
                    value = self.collection(item)
                    items.append(value)
                    items.item_marks.append(value.mark)
                    items.item_scalars.append(None)
            return items
        if node.tag != _MAP_TAG:
            raise YamlProblem(mark, N_("the tag {tag} is not allowed; use plain values"), tag=node.tag)
        result = LMap(mark=mark)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
                raise YamlProblem(_mark(key_node), N_("'<<' (merging another mapping in) is not supported; "
                                                      "write the keys out"))
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise YamlProblem(_mark(key_node), N_("a key must be a plain value"))
            key, key_scalar = self.leaf(key_node)
            key_mark = _mark(key_node)
            if key in result:
                raise YamlProblem(key_mark, N_("the key {key} appears twice (first at line {line})"),
                                  key=key, line=result.key_marks[key].line)
            if isinstance(value_node, yaml.ScalarNode):
                result[key], result.scalars[key] = self.leaf(value_node)
                result.value_marks[key] = _mark(value_node)
            else:
                value = result[key] = self.collection(value_node)
                result.value_marks[key] = value.mark
            result.key_marks[key] = key_mark
            result.key_scalars[key] = key_scalar
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _VALUE_TAG:
            raise YamlProblem(_mark(node), N_("a lone '=' is a special YAML value; put it in quotes"))
        if node.tag not in _PLAIN_TAGS:
            raise YamlProblem(_mark(node), N_("the tag {tag} is not allowed; use plain values"), tag=node.tag)
        try:
            return _nfc(self.scalars.construct_object(node, deep=True))
        except ValueError:
            if node.tag == "tag:yaml.org,2002:timestamp":   # 2026-13-45: let the field say what it wants
                return _nfc(node.value)
            raise YamlProblem(_mark(node), N_("bad value: {reason}"), reason="invalid value") from None
        except yaml.constructor.ConstructorError as exc:
            raise YamlProblem(_mark(node), N_("bad value: {reason}"), reason=str(exc).splitlines()[0]) from None
