"""The edits the guided flows make to a knowledge file: an answer, a fact, a new entry, a new, changed
or removed event. Each keeps the rest of the file byte for byte (bot/admin/yaml_edit.py), then reads
the result back and compares it with the original plus exactly that change; anything else is an
EditError and nothing is written.

New entries and events are written in the bundled files' style: double-quoted texts, phrasings as
flow lists, one key per line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bot.admin.yaml_edit import (
    EditError,
    append_item,
    compose,
    get,
    insert_pair,
    item_with_id,
    quoted,
    remove_pair,
    replace_item,
    replace_value,
    set_list,
)
from bot.i18n import _

FactValue = int | float | dt.date
EventTime = dt.date | str                 # a date (a whole day), or "2027-03-10 09:00" in the event's zone


def fact_text(value: FactValue) -> str:
    """A fact's value as YAML reads it back: 4300, 0.72, 2023-07-07."""
    return value.isoformat() if isinstance(value, dt.date) else repr(value)


def _checked(before: str, after: str, change: Callable[[Any], None]) -> str:
    """`after`, if it reads back as `before` with `change` applied to its data; else EditError."""
    expected = yaml.safe_load(before) or {}
    change(expected)
    try:
        actual = yaml.safe_load(after)
    except yaml.YAMLError:
        actual = None
    if actual != expected:
        raise EditError(_("the change cannot be written safely into this file"))
    return after


def _item(data: Any, key: str, item_id: str) -> dict[str, Any]:
    return next(item for item in data[key] if isinstance(item, dict) and item.get("id") == item_id)


# -- answers and facts -----------------------------------------------------------------------------
def set_answer(text: str, entry_id: str, lang: str, template: str) -> str:
    """`text` with `entry_id`'s answer in `lang` set to `template` (added if the entry lacks it)."""
    root = compose(text)
    entries = get(root, "entries")
    found = item_with_id(entries[1] if entries else None, entry_id)
    if found is None:
        raise EditError(_("the entry {entry} is not in this file"), entry=entry_id)
    answer = get(found[1], "answer")
    if answer is None or not isinstance(answer[1], MappingNode):
        raise EditError(_("the entry {entry} has no 'answer:' mapping"), entry=entry_id)
    pair = get(answer[1], lang)
    if pair is None:
        edited = insert_pair(text, answer[1], lang, quoted(template))
    elif isinstance(pair[1], ScalarNode):
        edited = replace_value(text, pair[0], pair[1], quoted(template))
    else:
        raise EditError(_("the answer of {entry} in {lang} is not a text"), entry=entry_id, lang=lang)
    return _checked(text, edited, lambda data: _item(data, "entries", entry_id)["answer"].__setitem__(lang, template))


def has_fact(text: str, name: str) -> bool:
    try:
        facts = get(compose(text), "facts")
    except EditError:
        return False
    return facts is not None and get(facts[1], name) is not None


def set_fact(text: str, name: str, value: FactValue) -> str:
    """`text` with the fact `name` set to `value`, in its own form (`4300`, or `{year: 2024}`)."""
    facts = get(compose(text), "facts")
    pair = get(facts[1], name) if facts else None
    if pair is None:
        raise EditError(_("the fact {name} is not in this file"), name=name)
    key_node, node = pair
    if isinstance(node, MappingNode) and len(node.value) == 1 and isinstance(node.value[0][1], ScalarNode):
        kind = node.value[0][0].value                               # {year: 2024} or {number: 2026}
        edited = replace_value(text, node.value[0][0], node.value[0][1], fact_text(value))

        def change(data: Any) -> None:
            data["facts"][name] = {kind: value}
    elif isinstance(node, ScalarNode):
        edited = replace_value(text, key_node, node, fact_text(value))

        def change(data: Any) -> None:
            data["facts"][name] = value
    else:
        raise EditError(_("the fact {name} is not written as one value"), name=name)
    return _checked(text, edited, change)


# -- entries ------------------------------------------------------------------------------------------
def entry_lines(entry_id: str, questions: Mapping[str, Sequence[str]], answer: Mapping[str, str]) -> str:
    """A new entry as block YAML lines (the first without its list dash)."""
    lines = [f"id: {entry_id}", "questions:"]
    lines += [f"  {lang}: [" + ", ".join(quoted(q) for q in phrasings) + "]" for lang, phrasings in questions.items()]
    lines.append("answer:")
    lines += [f"  {lang}: {quoted(text)}" for lang, text in answer.items()]
    return "\n".join(lines)


def append_entry(text: str, entry_id: str, questions: Mapping[str, Sequence[str]], answer: Mapping[str, str]) -> str:
    """`text` (possibly empty: a new file) with a new entry at the end of its `entries:` list."""
    lines = entry_lines(entry_id, questions, answer)
    wanted = {"id": entry_id, "questions": {k: list(v) for k, v in questions.items()}, "answer": dict(answer)}
    return _append(text, "entries", lines, wanted)


def _append(text: str, key: str, lines: str, wanted: dict[str, Any]) -> str:
    root = compose(text)
    found = get(root, key)
    if found is not None and isinstance(found[1], SequenceNode) and found[1].value and not found[1].flow_style:
        edited = append_item(text, found[1], lines)
    else:
        edited = set_list(text, root, key, lines)

    def change(data: Any) -> None:
        if data.get(key) is None:
            data[key] = []
        data[key].append(wanted)
    return _checked(text, edited, change)


# -- events -------------------------------------------------------------------------------------------
def has_events(text: str) -> bool:
    try:
        return get(compose(text), "events") is not None
    except EditError:
        return False


def event_lines(event: Mapping[str, Any]) -> str:
    """An event as block YAML lines: id, title, start, end, timezone, venue, reminders (as given)."""
    lines = [f"id: {event['id']}"]
    for key in ("title", "description", "start", "end", "timezone", "venue", "reminders"):
        if key not in event or event[key] is None:
            continue
        value = event[key]
        if isinstance(value, Mapping):
            lines.append(f"{key}:")
            lines += [f"  {lang}: {quoted(text)}" for lang, text in value.items()]
        else:
            lines.append(f"{key}: {_event_value(value)}")
    return "\n".join(lines)


def _event_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _event_data(event: Mapping[str, Any]) -> dict[str, Any]:
    """What `event_lines` reads back as."""
    return {key: (dict(value) if isinstance(value, Mapping) else list(value) if isinstance(value, tuple) else value)
            for key, value in event.items() if value is not None}


def append_event(text: str, event: Mapping[str, Any]) -> str:
    return _append(text, "events", event_lines(event), _event_data(event))


def remove_event(text: str, event_id: str) -> str:
    """`text` without the event `event_id`."""
    events, index = _event_at(text, event_id)
    if len(events.value) == 1:                  # the last one: the list stays, empty
        found = get(compose(text), "events")
        assert found is not None
        edited = replace_value(text, found[0], found[1], "[]")
    else:
        edited = replace_item(text, events, index, None)
    return _checked(text, edited, lambda data: data["events"].remove(_item(data, "events", event_id)))


def update_event(text: str, event_id: str, changes: Mapping[str, Any]) -> str:
    """`text` with the event's keys in `changes` set (None removes one; a mapping of languages sets
    those languages of a title, description or venue), each in place."""
    edited = text
    for key, value in changes.items():
        events, index = _event_at(edited, event_id)
        item = events.value[index]
        assert isinstance(item, MappingNode)
        pair = get(item, key)
        if value is None:
            edited = remove_pair(edited, item, key)
        elif isinstance(value, Mapping) and pair is not None and isinstance(pair[1], MappingNode):
            for lang, words in value.items():
                events, index = _event_at(edited, event_id)
                inner = get(events.value[index], key)
                assert inner is not None and isinstance(inner[1], MappingNode)
                found = get(inner[1], lang)
                edited = (insert_pair(edited, inner[1], lang, quoted(words)) if found is None
                          else replace_value(edited, found[0], found[1], quoted(words)))
        elif pair is None:
            if isinstance(value, Mapping):
                new = "{" + ", ".join(f"{lang}: {quoted(words)}" for lang, words in value.items()) + "}"
            else:
                new = _event_value(value)
            edited = insert_pair(edited, item, key, new)
        else:
            edited = replace_value(edited, pair[0], pair[1], _event_value(value))

    def change(data: Any) -> None:
        item = _item(data, "events", event_id)
        for key, value in changes.items():
            if value is None:
                item.pop(key, None)
            elif isinstance(value, Mapping):
                item.setdefault(key, {}).update(value)
            else:
                item[key] = list(value) if isinstance(value, tuple) else value
    return _checked(text, edited, change)


def _event_at(text: str, event_id: str) -> tuple[SequenceNode, int]:
    events = get(compose(text), "events")
    found = item_with_id(events[1] if events else None, event_id)
    if events is None or found is None or not isinstance(events[1], SequenceNode):
        raise EditError(_("the event {event} is not in this file"), event=event_id)
    return events[1], found[0]
