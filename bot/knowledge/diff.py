"""What changed between two knowledge bases: the summary an administrator sees after a reload."""

from __future__ import annotations

from dataclasses import dataclass

from bot import LANGUAGES
from bot.knowledge.model import Entry, KnowledgeBase


@dataclass(frozen=True)
class KbDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    phrasings: dict[str, tuple[int, int]]        # language → (before, after)
    facts_changed: tuple[str, ...]               # facts, names and synonyms whose value changed
    entries: int
    events_changed: tuple[str, ...] = ()         # events added, removed or edited

    @property
    def nothing(self) -> bool:
        return not (self.added or self.removed or self.changed or self.facts_changed or self.events_changed) and all(
            a == b for a, b in self.phrasings.values())


def _phrasing_counts(kb: KnowledgeBase | None) -> dict[str, int]:
    return {lang: sum(len(e.questions.get(lang, ())) for e in kb.entries) if kb else 0 for lang in LANGUAGES}


def diff(old: KnowledgeBase | None, new: KnowledgeBase) -> KbDiff:
    before = old.by_id if old else {}
    after = new.by_id
    changed = tuple(i for i in after if i in before and _entry_key(before[i]) != _entry_key(after[i]))
    old_symbols = _symbols(old) if old else {}
    new_symbols = _symbols(new)
    facts = tuple(sorted(k for k in old_symbols.keys() | new_symbols.keys()
                         if old_symbols.get(k) != new_symbols.get(k)))
    old_counts, new_counts = _phrasing_counts(old), _phrasing_counts(new)
    old_events = {e.id: e for e in old.events} if old else {}
    new_events = {e.id: e for e in new.events}
    events = tuple(sorted(i for i in old_events.keys() | new_events.keys() if old_events.get(i) != new_events.get(i)))
    return KbDiff(
        added=tuple(i for i in after if i not in before),
        removed=tuple(i for i in before if i not in after),
        changed=changed,
        phrasings={lang: (old_counts[lang], new_counts[lang]) for lang in LANGUAGES},
        facts_changed=facts,
        entries=len(new.entries),
        events_changed=events,
    )


def _entry_key(entry: Entry) -> tuple[object, ...]:
    return (entry.kind, entry.topic, tuple(sorted((k, tuple(v)) for k, v in entry.questions.items())),
            tuple(sorted(entry.answer.items())), entry.related)


def _symbols(kb: KnowledgeBase) -> dict[str, object]:
    symbols: dict[str, object] = {f"fact:{k}": (f.kind, f.value) for k, f in kb.facts.items()}
    symbols.update({f"name:{k}": (tuple(sorted(n.display.items())), n.aliases) for k, n in kb.names.items()})
    symbols.update({f"synonyms:{k}": v for k, v in kb.synonyms.items()})
    return symbols
