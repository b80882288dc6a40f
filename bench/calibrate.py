"""Sweep the matcher's weights and the answer thresholds over an evaluation file.

    python bench/calibrate.py tests/eval/questions.yaml

Prints the settings that keep off-topic refusal at or above the floor and maximise the worst
language's top-1 accuracy. It informs the constants in bot/matcher.py and bot/answer.py; it
changes nothing by itself.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import matcher  # noqa: E402
from bot.answer import Engine  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.evaluate import read_cases  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.knowledge.loader import load_directory  # noqa: E402
from bot.language import detect_language  # noqa: E402

REFUSAL_FLOOR = 0.95


def main(path: str) -> None:
    settings = Settings.from_env()
    kb = load_directory(settings.knowledge_dir).kb
    cases = read_cases(Path(path))
    catalogs = Catalogs(settings.locales_dir)
    results = []
    for coverage_weight, unknown_factor, fuzzy_weight in itertools.product(
            (0.5, 0.6, 0.7), (1.0, 1.2, 1.5), (0.2, 0.3, 0.4)):
        matcher.UNKNOWN_FACTOR = unknown_factor
        engine = Engine(kb, catalogs)
        engine.index.coverage_weight = coverage_weight
        engine.index.fuzzy_weight = fuzzy_weight
        rows = []
        for case in cases:
            lang = detect_language(case.question) or case.lang
            candidates, _ = engine.index.search(case.question, lang)
            top = candidates[0] if candidates else None
            second = candidates[1].score if len(candidates) > 1 else 0.0
            rows.append((case, kb.entries[top.entry_index].id if top else None, top.score if top else 0.0, second))
        grid = itertools.product([x / 100 for x in range(56, 80, 2)], (0.04, 0.08, 0.12),
                                 (1.0, 0.54, 0.56, 0.58, 0.6, 0.62), (0.15, 0.2, 0.25, 0.3))
        for answer_at, margin, lone_at, lone_margin in grid:
            correct = {"id": [0, 0], "ko": [0, 0], "en": [0, 0]}
            refused = offtopic = 0
            for case, top, score, second in rows:
                answered = ((score >= answer_at and score - second >= margin)
                            or (score >= lone_at and score - second >= lone_margin))
                if case.expect is None:
                    offtopic += 1
                    refused += not answered
                else:
                    correct[case.lang][1] += 1
                    correct[case.lang][0] += answered and top == case.expect
            refusal = refused / offtopic
            worst = min(c / n for c, n in correct.values())
            results.append((refusal >= REFUSAL_FLOOR, worst, refusal, coverage_weight, unknown_factor, fuzzy_weight,
                            answer_at, margin, lone_at, lone_margin,
                            {k: round(c / n, 3) for k, (c, n) in correct.items()}))
    results.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    print("ok    worst refusal coverage_w unknown fuzzy answer_at margin lone_at lone_margin  per-language")
    for ok, worst, refusal, cw, uf, fw, at, margin, lone, lone_margin, per in results[:15]:
        print(f"{ok!s:5} {worst:.3f} {refusal:.3f}   {cw:.2f}     {uf:.1f}    {fw:.2f}  {at:.2f}     {margin:.2f}   "
              f"{lone:.2f}    {lone_margin:.2f}     {per}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/eval/questions.yaml")
