"""Benchmark: the answer engine on any benchmark file in the shared format, beside naive baselines.

    python bench/answer_bench.py BENCH.json [--far OTHER.json] [--holdout-every 5] [--max-queries N]
    python bench/answer_bench.py --eval tests/eval/questions.yaml     (the bundled base and its set)

The benchmark is written out as knowledge files and loaded through the same loader and engine
construction the bot uses (so calibration runs on it, with no labelled question). It prints, in the
same run:

- rank@1 for the engine (its first candidate, which every reply carries) and, stricter, the share
  whose first entry shown is right (an answer, or a "did you mean" whose first choice is right;
  a refusal counts as wrong), and rank@1 for the baselines: BM25 over phrasings (bm25s, its
  default tokenizer and English stopwords) and rapidfuzz `process.extractOne` over phrasings with token_set_ratio,
  token_sort_ratio and WRatio;
- for the engine's decisions on in-domain questions: answered right, answered wrong, "did you
  mean" (and how often its choices hold the right entry), refused;
- near misses: every K-th entry is held out of the base, its queries are asked; share answered;
- far off-topic: the queries of another benchmark (`--far`); share answered.

Needs the `bench` extra (`pip install -e '.[bench]'`, for bm25s). The shared benchmarks live outside
the repository (`../shared/benchmarks/`); without them this script says so and exits 0. Nothing of
theirs is used by the engine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import BUNDLED_KNOWLEDGE_DIR, BUNDLED_LOCALES_DIR  # noqa: E402
from bot.engine.answer import Engine, build_engine  # noqa: E402
from bot.engine.decision import Traffic  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.knowledge.loader import load_directory  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks"


def write_knowledge(bench: dict[str, Any], entries: list[dict[str, Any]], directory: Path) -> dict[str, str]:
    """Write benchmark entries as knowledge files; returns knowledge id → benchmark id."""
    languages = list(bench["languages"])
    ids: dict[str, str] = {}
    out = []
    for number, entry in enumerate(entries):
        kb_id = "e" + re.sub(r"[^a-z0-9-]+", "-", entry["id"].lower())[:30].strip("-") + f"-{number}"
        ids[kb_id[:40]] = entry["id"]
        questions = {lang: list(entry["phrasings"].get(lang) or []) for lang in languages}
        questions = {lang: q for lang, q in questions.items() if q}
        out.append({"id": kb_id[:40], "questions": questions,
                    "answer": {lang: f"Answer {number}" for lang in languages}})
    per_file = 2000
    for start in range(0, len(out), per_file):
        doc = {"languages": languages, "entries": out[start:start + per_file]}
        (directory / f"bench-{start // per_file:03d}.yaml").write_text(
            yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return ids


def load_engine(bench: dict[str, Any], entries: list[dict[str, Any]], catalogs: Catalogs,
                traffic: Traffic) -> tuple[Engine, dict[str, str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        ids = write_knowledge(bench, entries, Path(tmp))
        started = time.perf_counter()
        result = load_directory(Path(tmp))
        engine, problems = build_engine(result, catalogs, bench["languages"][0], traffic)
        seconds = time.perf_counter() - started
    if engine is None:
        errors = "; ".join(p.render() for p in problems if not p.warning)
        raise SystemExit("the benchmark did not load: " + errors[:2000])
    return engine, ids, seconds


class Baselines:
    """Naive retrieval over every phrasing: the best phrasing's entry wins."""

    def __init__(self, entries: list[dict[str, Any]]):
        import bm25s
        self.texts, self.owner = [], []
        for entry in entries:
            for phrasings in entry["phrasings"].values():
                for text in phrasings:
                    self.texts.append(text)
                    self.owner.append(entry["id"])
        self.stopwords = "en"
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(self.texts, stopwords=self.stopwords, show_progress=False),
                        show_progress=False)
        self._bm25s = bm25s
        self.lowered = [t.lower() for t in self.texts]

    def bm25(self, queries: list[str]) -> list[str | None]:
        tokens = self._bm25s.tokenize(queries, stopwords=self.stopwords, show_progress=False)
        docs, scores = self.retriever.retrieve(tokens, k=1, show_progress=False)
        return [self.owner[int(d[0])] if s[0] > 0 else None for d, s in zip(docs, scores)]

    def fuzzy(self, query: str, scorer: Any) -> str | None:
        from rapidfuzz import process
        found = process.extractOne(query.lower(), self.lowered, scorer=scorer)
        return self.owner[found[2]] if found else None


def run(bench_path: Path, far_path: Path | None, every: int, max_queries: int, traffic: Traffic) -> None:
    from rapidfuzz import fuzz
    bench = json.loads(bench_path.read_text(encoding="utf-8"))
    catalogs = Catalogs(BUNDLED_LOCALES_DIR)
    rng = random.Random(5)
    queries = bench["queries"]
    if max_queries and len(queries) > max_queries:
        queries = rng.sample(queries, max_queries)
    engine, ids, load_s = load_engine(bench, bench["entries"], catalogs, traffic)
    print(f"# {bench['name']}: {len(bench['entries'])} entries, {len(queries)} queries; "
          f"loaded, indexed and calibrated in {load_s:.2f} s")
    print("calibration:", json.dumps(engine.calibration.as_dict()))
    outcome: Counter[str] = Counter()
    rank1 = 0
    started = time.perf_counter()
    for query in queries:
        reply = engine.ask(query["text"])
        first = ids.get(reply.candidates[0].entry_id) if reply.candidates else None
        rank1 += first == query["expected"]
        if reply.kind == "answer":
            outcome["right" if ids[reply.entry_id] == query["expected"] else "wrong"] += 1
        elif reply.kind == "clarify":
            outcome["clarify"] += 1
            outcome["clarify_right"] += any(ids[c.entry_id] == query["expected"] for c in reply.choices)
            outcome["clarify_first"] += ids[reply.choices[0].entry_id] == query["expected"]
        else:
            outcome["refused"] += 1
    per_query_ms = (time.perf_counter() - started) * 1000 / len(queries)
    n = len(queries)
    baselines = Baselines(bench["entries"])
    texts = [q["text"] for q in queries]
    expected = [q["expected"] for q in queries]
    base_rows = {"bm25 (bm25s)": baselines.bm25(texts)}
    for name, scorer in (("token_set_ratio", fuzz.token_set_ratio), ("token_sort_ratio", fuzz.token_sort_ratio),
                         ("WRatio", fuzz.WRatio)):
        base_rows[name] = [baselines.fuzzy(t, scorer) for t in texts]
    shown = (outcome["right"] + outcome["clarify_first"]) / n
    print(f"rank@1 sahabat {rank1 / n:.1%} (first candidate; {per_query_ms:.2f} ms/question); the first entry "
          f"shown is right (an answer, or a did-you-mean's first choice) {shown:.1%}")
    for name, got in base_rows.items():
        print(f"rank@1 {name} {sum(g == e for g, e in zip(got, expected)) / n:.1%}")
    print(f"in-domain: answered right {outcome['right'] / n:.1%}, answered wrong {outcome['wrong'] / n:.1%}, "
          f"did-you-mean {outcome['clarify'] / n:.1%} (holding the right entry {outcome['clarify_right'] / n:.1%}), "
          f"refused {outcome['refused'] / n:.1%}; right + did-you-mean holding it "
          f"{(outcome['right'] + outcome['clarify_right']) / n:.1%}")
    kept = [e for i, e in enumerate(bench["entries"]) if i % every != every - 1]
    held = {e["id"] for i, e in enumerate(bench["entries"]) if i % every == every - 1}
    near_engine, _, _ = load_engine(bench, kept, catalogs, traffic)
    near = [q for q in bench["queries"] if q["expected"] in held]
    if max_queries and len(near) > max_queries:
        near = rng.sample(near, max_queries)
    kinds = Counter(near_engine.ask(q["text"]).kind for q in near)
    print(f"near misses (every {every}th entry held out, {len(near)} queries): answered "
          f"{kinds['answer'] / max(len(near), 1):.1%}, did-you-mean {kinds['clarify'] / max(len(near), 1):.1%}")
    if far_path is not None:
        far = json.loads(far_path.read_text(encoding="utf-8"))["queries"]
        far = rng.sample(far, min(len(far), max_queries or len(far)))
        kinds = Counter(engine.ask(q["text"]).kind for q in far)
        print(f"far off-topic ({far_path.name}, {len(far)} queries): answered {kinds['answer'] / len(far):.1%}, "
              f"did-you-mean {kinds['clarify'] / len(far):.1%}")


def run_eval(eval_path: Path, traffic: Traffic) -> None:
    from bot.cli.evaluate import evaluate, format_report, read_cases
    catalogs = Catalogs(BUNDLED_LOCALES_DIR)
    started = time.perf_counter()
    engine, _ = build_engine(load_directory(BUNDLED_KNOWLEDGE_DIR), catalogs, "en", traffic)
    assert engine is not None
    print(f"# bundled base: loaded, indexed and calibrated in {time.perf_counter() - started:.2f} s")
    print("calibration:", json.dumps(engine.calibration.as_dict()))
    print(format_report(evaluate(engine, read_cases(eval_path))).split("misses")[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", nargs="*", type=Path, help="benchmark files (default: all in ../shared/benchmarks)")
    parser.add_argument("--far", type=Path, help="another benchmark whose queries are far off-topic")
    parser.add_argument("--holdout-every", type=int, default=5)
    parser.add_argument("--max-queries", type=int, default=0, help="sample at most this many queries per set")
    defaults = Traffic()
    parser.add_argument("--near-miss-share", type=float, default=defaults.near_miss_share,
                        help="the calibration's assumed share of near misses (BOT_NEAR_MISS_SHARE)")
    parser.add_argument("--cost-refusal", type=float, default=defaults.refusal, help="BOT_COST_REFUSAL")
    parser.add_argument("--cost-tap", type=float, default=defaults.tap, help="BOT_COST_TAP")
    parser.add_argument("--eval", type=Path, help="report the bundled base on this evaluation file instead")
    args = parser.parse_args()
    traffic = Traffic(args.near_miss_share, defaults.wrong, args.cost_refusal, args.cost_tap)
    if args.eval:
        run_eval(args.eval, traffic)
        return 0
    benches = args.bench or sorted(SHARED.glob("*.json"))
    if not benches:
        print(f"no benchmark files (looked in {SHARED}); nothing to do")
        return 0
    for number, path in enumerate(benches):
        far = args.far or (benches[(number + 1) % len(benches)] if len(benches) > 1 else None)
        run(path, far, args.holdout_every, args.max_queries, traffic)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
