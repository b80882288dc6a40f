"""The phrasing checks find exactly the phrasings a plain scan of every phrasing finds, in the same
order: colliding phrasings across entries and languages, and phrasings with no word."""

from __future__ import annotations

import random
from types import MappingProxyType
from typing import Iterable

from bot.engine.phrasing_checks import PhrasingRef, _ref, phrasing_collisions, wordless_phrasings
from bot.engine.retrieval import Index
from bot.knowledge.model import Entry, KnowledgeBase
from bot.text.normalize import Analyzer

WORDS = {"id": ["berapa", "luas", "kitb", "kapan", "mou", "ditandatangani", "jawa", "tengah"],
         "en": ["how", "big", "kitb", "when", "mou", "signed", "java", "central"],
         "ko": ["면적은", "얼마", "언제", "체결", "충북", "테크노파크", "김영환", "지사"]}


def _base(seed: int) -> KnowledgeBase:
    """Entries whose phrasings often share words in another order, or only noise."""
    rng = random.Random(seed)
    entries = []
    for n in range(60):
        questions = {}
        for lang, words in WORDS.items():
            texts = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.1:
                texts.insert(rng.randrange(len(texts) + 1), rng.choice(["???", "!!", "🙂", "..."]))
            questions[lang] = tuple(texts)
        entries.append(Entry(f"e{n}", "fact", None, MappingProxyType(questions),
                             MappingProxyType({lang: "x" for lang in WORDS})))
    return KnowledgeBase(tuple(entries), {}, {}, {}, version=f"test-{seed}")


def _every_collision(index: Index) -> Iterable[tuple[PhrasingRef, PhrasingRef]]:
    first_of: dict[tuple[str, tuple[int, ...]], int] = {}
    for number, phrasing in enumerate(index.phrasings):
        other = first_of.setdefault((phrasing.lang, tuple(sorted(phrasing.distinct))), number)
        if index.phrasings[other].entry_index != phrasing.entry_index:
            yield _ref(index, index.phrasings[other]), _ref(index, phrasing)


def _every_wordless(index: Index) -> Iterable[PhrasingRef]:
    indexed = {(p.entry_index, p.lang, p.number) for p in index.phrasings}
    for entry_index, entry in enumerate(index.kb.entries):
        for lang, texts in entry.questions.items():
            for number, text in enumerate(texts):
                if (entry_index, lang, number) not in indexed:
                    yield PhrasingRef(entry.id, lang, number, text)


def test_the_same_findings_as_a_scan_of_every_phrasing() -> None:
    for seed in range(5):
        index = Index(_base(seed), Analyzer())
        collisions = list(phrasing_collisions(index))
        wordless = list(wordless_phrasings(index))
        assert collisions and wordless          # the base has both kinds
        assert collisions == list(_every_collision(index))
        assert wordless == list(_every_wordless(index))
