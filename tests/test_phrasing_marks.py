"""PhrasingMarks answers exactly as the dict it replaces, on every key a loader writes or asks."""

from __future__ import annotations

import random

from bot.knowledge.located import Mark
from bot.knowledge.phrasing_marks import PhrasingMarks

MISSING = ("?", Mark(1, 1))


def test_same_answers_as_a_dict_including_keys_set_twice_and_gaps() -> None:
    rng = random.Random(3)
    marks, expected = PhrasingMarks(), {}
    files = ["a.yaml", "b.yml", "ünïcode.yaml"]
    for _ in range(3000):
        key = (f"e{rng.randrange(40)}", rng.choice(("id", "ko", "en")), rng.randrange(6))
        value = (rng.choice(files), Mark(rng.randrange(1, 2_100_000), rng.randrange(1, 2_100_000)))
        marks[key] = value
        expected[key] = value
    assert len(marks) == len(expected)
    for entry in range(42):
        for lang in ("id", "ko", "en", "xx"):
            for position in range(-1, 8):
                key = (f"e{entry}", lang, position)
                assert marks.get(key, MISSING) == expected.get(key, MISSING)


def test_a_large_base_position_survives_packing() -> None:
    marks = PhrasingMarks()
    marks[("kitb-area", "ko", 3)] = ("kitb.yaml", Mark(2_097_152, 1_048_576))
    assert marks.get(("kitb-area", "ko", 3), MISSING) == ("kitb.yaml", Mark(2_097_152, 1_048_576))
    assert marks.get(("kitb-area", "ko", 2), MISSING) == MISSING
    assert marks.get(("kitb-area", "en", 3), MISSING) == MISSING
