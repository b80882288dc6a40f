"""Reading YAML with positions (bot.knowledge.located): depth is bounded as the text is written, the
first problem of a file is the one reported, and every value keeps how it was written."""

from __future__ import annotations

import unicodedata

import pytest

from bot.knowledge.located import MAX_DEPTH, LList, LMap, Mark, YamlProblem, parse_yaml


def nested(depth: int, indent: str = "") -> str:
    """`depth` block mappings, one per line: `a:` / `  a:` / ... ending in a plain value."""
    return "".join(f"{indent}{'  ' * level}k{level}:\n" for level in range(depth - 1)) \
        + f"{indent}{'  ' * (depth - 1)}k{depth - 1}: end\n"


def problem_of(text: str) -> tuple[Mark, str]:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text.encode())
    return caught.value.mark, caught.value.message.format(**caught.value.params)


def test_the_deepest_allowed_nesting_is_read():
    doc = parse_yaml(nested(MAX_DEPTH).encode())
    for _ in range(MAX_DEPTH - 1):
        doc = next(iter(doc.values()))
    assert doc == {f"k{MAX_DEPTH - 1}": "end"}


@pytest.mark.parametrize("extra", [1, 2, 40])
def test_one_level_too_deep_is_reported_where_that_level_starts(extra):
    # The mapping at level MAX_DEPTH + 1 is the value of the key on line MAX_DEPTH, so it starts
    # on the next line, indented two spaces per level.
    mark, message = problem_of(nested(MAX_DEPTH + extra))
    assert message == f"the file nests deeper than {MAX_DEPTH} levels"
    assert mark == Mark(MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)


def test_depth_is_counted_where_the_text_stands_not_where_an_alias_points():
    # A 12-deep list reused 14 levels down would be 26 deep if aliases were followed.
    text = ("a: &x " + "[" * 12 + "1" + "]" * 12 + "\n"
            + "b: " + "[" * 14 + "*x" + "]" * 14 + "\n")
    doc = parse_yaml(text.encode())
    inner = doc["b"]
    for _ in range(13):
        inner = inner[0]
    assert inner == [doc["a"]]


def test_a_file_too_deep_and_broken_after_it_reports_the_depth_first():
    text = "a:\n" + "  b: " + "[" * 30 + "]" * 30 + "\nc: [unclosed\n"
    mark, message = problem_of(text)
    assert message == f"the file nests deeper than {MAX_DEPTH} levels"
    # Levels 1 and 2 are the mappings; the first '[' (column 6) is level 3.
    assert mark == Mark(2, 6 + MAX_DEPTH + 1 - 3)


def test_a_file_broken_before_its_deep_part_reports_the_break():
    text = "a: [unclosed\nb: " + "[" * 30 + "]" * 30 + "\n"
    mark, message = problem_of(text)
    assert "nests deeper" not in message
    assert mark.line <= 2


def test_values_keep_their_types_text_position_and_comment():
    decomposed = unicodedata.normalize("NFD", "café")
    text = (f"plain: yes\nquoted: 'yes'\nnumber: 2024\naccent: {decomposed}\n"
            "noted: kitb # the park\nlist:\n  - one\n  - 2\n  - [x]\n")
    doc = parse_yaml(text.encode())
    assert isinstance(doc, LMap)
    assert doc == {"plain": True, "quoted": "yes", "number": 2024, "accent": "café", "noted": "kitb",
                   "list": ["one", 2, ["x"]]}
    assert [doc.scalar_of(k).tag.rsplit(":", 1)[1] for k in ("plain", "quoted", "number", "accent")] \
        == ["bool", "str", "int", "str"]
    assert (doc.scalar_of("plain").text, doc.scalar_of("plain").plain) == ("yes", True)
    assert (doc.scalar_of("quoted").text, doc.scalar_of("quoted").plain) == ("yes", False)
    assert doc.scalar_of("accent").text == "café"          # NFC, like the value
    assert doc.scalar_of("noted").comment == "# the park"
    assert doc.scalar_of("list") is None
    assert [doc.mark_of(k) for k in doc] == [Mark(n, len(k) + 3) for n, k in enumerate(doc, start=1)][:5] \
        + [Mark(7, 3)]
    items = doc["list"]
    assert isinstance(items, LList) and isinstance(items[2], LList)
    assert items.item_marks == [Mark(7, 5), Mark(8, 5), Mark(9, 5)]
    assert [s.text if s else None for s in items.item_scalars] == ["one", "2", None]
    assert doc.key_marks["list"] == Mark(6, 1) and doc.key_scalars["list"].text == "list"


@pytest.mark.parametrize("text, where", [
    ("entries: &a [*a]\n", Mark(1, 10)),
    ("a: &m {b: *m}\n", Mark(1, 4)),
    ("a: &x\n  - b\n  - [c, *x]\n", Mark(1, 4)),
])
def test_a_collection_that_contains_itself_is_refused_at_its_anchor(text, where):
    assert problem_of(text) == (where, f"the file nests deeper than {MAX_DEPTH} levels")


def test_a_knowledge_file_that_contains_itself_is_a_problem_not_a_crash():
    from bot.knowledge.loader import Source, load_sources
    result = load_sources([Source("loop.yaml", b"entries:\n  - id: a\n    related: &r [x, *r]\n")])
    assert result.kb is None
    assert [(p.file, p.line, p.column, p.message.format(**p.params)) for p in result.errors] \
        == [("loop.yaml", 3, 14, f"the file nests deeper than {MAX_DEPTH} levels")]


def test_an_alias_used_twice_side_by_side_is_read_twice():
    doc = parse_yaml(b"a: &x [1, 2]\nb: [*x, *x]\n")
    # An alias is its anchor's collection again, found where the anchor stands.
    assert doc["b"] == [[1, 2], [1, 2]] and doc["b"].item_marks == [Mark(1, 4), Mark(1, 4)]
