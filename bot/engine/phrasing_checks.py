"""Phrasings of a knowledge base that no question can reach as written: two entries' phrasings
with the same words, and phrasings with no word the index keeps. `bot.engine.answer.build_engine`
reports them at their file:line as warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from bot.engine.retrieval import Index, Phrasing


class PhrasingRef(NamedTuple):
    entry_id: str
    lang: str
    number: int          # position in the entry's list for that language
    text: str


def phrasing_collisions(index: Index) -> Iterable[tuple[PhrasingRef, PhrasingRef]]:
    """Pairs of phrasings of different entries that normalize to the same words: no question can
    prefer one over the other, so whichever is asked, the bot can only offer both."""
    phrasings = index.phrasings
    # Only phrasings whose (language, sorted words) hash recurs can collide: a dict of every
    # phrasing's words held 20 MB on 10,000 entries, while the build's other structures were alive.
    hashes = np.fromiter((hash((p.lang, tuple(sorted(p.distinct)))) for p in phrasings), dtype=np.int64,
                         count=len(phrasings))
    _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
    first_of: dict[tuple[str, tuple[int, ...]], int] = {}
    for number in np.flatnonzero(counts[inverse] > 1).tolist():
        phrasing = phrasings[number]
        # The sorted words stand for the set of them: a tuple takes a third of a frozenset's memory.
        other = first_of.setdefault((phrasing.lang, tuple(sorted(phrasing.distinct))), number)
        if index.phrasings[other].entry_index != phrasing.entry_index:
            yield _ref(index, index.phrasings[other]), _ref(index, phrasing)


def _ref(index: Index, phrasing: Phrasing) -> PhrasingRef:
    entry = index.kb.entries[phrasing.entry_index]
    return PhrasingRef(entry.id, phrasing.lang, phrasing.number, entry.questions[phrasing.lang][phrasing.number])


def wordless_phrasings(index: Index) -> Iterable[PhrasingRef]:
    """Phrasings with no word the index keeps (only emoji, punctuation or chat noise): they are
    not indexed, so no question can ever reach their entry through them."""
    for entry_index, entry in enumerate(index.kb.entries):
        positions = index.entry_phrasings[entry_index]
        if len(positions) == sum(map(len, entry.questions.values())):
            continue                # each of its phrasings is indexed
        indexed = {(index.phrasings[p].lang, index.phrasings[p].number) for p in positions}
        for lang, texts in entry.questions.items():
            for number, text in enumerate(texts):
                if (lang, number) not in indexed:
                    yield PhrasingRef(entry.id, lang, number, text)
