"""Group recent unanswered questions into near-duplicates and offer them as YAML phrasings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.text.normalize import fold

SAME_QUESTION = 85      # token-set similarity (0–100) at which two questions count as one


@dataclass
class QuestionGroup:
    text: str                      # the most frequent wording (the first seen among equals)
    lang: str
    count: int = 0
    variants: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.count += 1
        self.counts[text] = self.counts.get(text, 0) + 1
        if text not in self.variants:
            self.variants.append(text)
        self.text = max(self.variants, key=lambda v: (self.counts[v], -self.variants.index(v)))


def group_questions(questions: list[tuple[str, str]], limit: int = 10) -> list[QuestionGroup]:
    """(text, lang) pairs → groups of near-duplicates, most frequent first."""
    groups: list[tuple[str, QuestionGroup]] = []       # (folded representative, group)
    for text, lang in questions:
        key = fold(text)
        if not key:
            continue
        for representative, group in groups:
            if group.lang == lang and fuzz.token_set_ratio(key, representative) >= SAME_QUESTION:
                group.add(text)
                break
        else:
            group = QuestionGroup(text, lang)
            group.add(text)
            groups.append((key, group))
    ranked = sorted((g for _, g in groups), key=lambda g: (-g.count, g.lang, g.text))
    return ranked[:limit]


def yaml_snippet(groups: list[QuestionGroup]) -> str:
    """Phrasings per language, ready to paste under an entry's `questions:`."""
    by_lang: dict[str, list[str]] = {}
    for group in groups:
        by_lang.setdefault(group.lang, []).extend(group.variants[:3])
    # JSON strings are valid YAML flow scalars and escape quotes and backslashes correctly.
    lines = ["questions:"]
    for lang in sorted(by_lang):
        lines.append(f"  {lang}: [{', '.join(json.dumps(t, ensure_ascii=False) for t in by_lang[lang])}]")
    return "\n".join(lines)
