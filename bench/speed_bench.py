"""Benchmark: the engine's speed against naive rapidfuzz baselines on generated knowledge bases.

    python bench/speed_bench.py [--sizes 100,1000,10000] [--queries 500] [--baseline-queries 100]

For each size it writes a knowledge directory of generated entries (three languages, four phrasings
each: 10,000 entries are 120,000 phrasings) and reports
  - start to first answer: `python -m bot ask --kb DIR QUESTION` as a new process (loading,
    validating, indexing and calibrating included), with its peak resident memory;
  - build: loading + Engine construction in this process, and the engine's peak traced memory;
  - per-question latency (p50, p99) and top-1 for
      sahabat:         Engine.ask (what the bot runs; the first choice of a "did you mean" counts)
      token_set_ratio: rapidfuzz process.extractOne over every phrasing, fuzz.token_set_ratio
      WRatio:          the same with fuzz.WRatio
    all on the same questions (phrasings with a typo, a dropped word or shuffled order).
It also times loading, indexing and calibrating the bundled knowledge base.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import MappingProxyType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from bot.config import BUNDLED_KNOWLEDGE_DIR, BUNDLED_LOCALES_DIR  # noqa: E402
from bot.engine.answer import Engine, build_engine  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.knowledge.loader import load_directory  # noqa: E402
from bot.knowledge.model import Entry, KnowledgeBase  # noqa: E402

LATIN_SYLLABLES = [c + v for c in "bcdfghjklmnprstwy" for v in "aeiou"]
HANGUL_SYLLABLES = [chr(0xAC00 + i * 28) for i in range(300)]   # syllables without a final consonant
QUESTION_WORDS = {"id": ["apa", "siapa", "kapan", "berapa", "dimana", "bagaimana", "yang", "itu"],
                  "en": ["what", "who", "when", "how", "where", "is", "the", "of"],
                  "ko": ["무엇", "누구", "언제", "얼마", "어디", "어떻게", "은", "는"]}


def make_word(rng: random.Random, lang: str) -> str:
    syllables = HANGUL_SYLLABLES if lang == "ko" else LATIN_SYLLABLES
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))


def generate_kb(size: int, seed: int = 7) -> KnowledgeBase:
    rng = random.Random(seed)
    vocab = {lang: [make_word(rng, lang) for _ in range(max(200, size * 2))] for lang in QUESTION_WORDS}
    entries = []
    for n in range(size):
        questions, answers = {}, {}
        for lang, words in vocab.items():
            topic = rng.sample(words, 4)            # the entry's own informative words
            phrasings = []
            for _ in range(4):
                chosen = rng.sample(topic, 3) + rng.sample(QUESTION_WORDS[lang], 2)
                rng.shuffle(chosen)
                phrasings.append(" ".join(chosen))
            questions[lang] = tuple(phrasings)
            answers[lang] = f"answer {n} {lang}"
        entries.append(Entry(f"e{n}", "fact", None, MappingProxyType(questions), MappingProxyType(answers)))
    return KnowledgeBase(tuple(entries), {}, {}, {}, version=f"generated-{size}")


def perturb(rng: random.Random, text: str) -> str:
    words = text.split()
    action = rng.choice(("typo", "drop", "shuffle"))
    if action == "typo":
        i = max(range(len(words)), key=lambda k: len(words[k]))
        word = words[i]
        j = rng.randrange(len(word))
        words[i] = word[:j] + word[j + 1:] if len(word) > 3 else word
    elif action == "drop" and len(words) > 2:
        words.pop(rng.randrange(len(words)))
    else:
        rng.shuffle(words)
    return " ".join(words)


def make_queries(kb: KnowledgeBase, count: int, seed: int = 11) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        entry = rng.choice(kb.entries)
        lang = rng.choice(("id", "ko", "en"))
        queries.append((perturb(rng, rng.choice(entry.questions[lang])), lang, entry.id))
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, queries) -> tuple[list[float], int]:
    latencies, correct = [], 0
    for text, lang, expect in queries:
        started = time.perf_counter()
        got = fn(text, lang)
        latencies.append((time.perf_counter() - started) * 1000)
        correct += got == expect
    return latencies, correct


def write_directory(kb: KnowledgeBase, directory: Path, per_file: int = 1000) -> None:
    entries = [{"id": e.id, "questions": {lang: list(q) for lang, q in e.questions.items()},
                "answer": dict(e.answer)} for e in kb.entries]
    for start in range(0, len(entries), per_file):
        (directory / f"generated-{start // per_file:03d}.yaml").write_text(
            yaml.safe_dump({"entries": entries[start:start + per_file]}, allow_unicode=True, width=1000),
            encoding="utf-8")


def first_answer(directory: Path, question: str, data_dir: Path) -> tuple[float, float]:
    """Seconds from process start to the first answer of `ask --kb`, and its peak RSS in MB (a new
    process each time; children's peak RSS is read as a high-water mark, so run the larger first)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--kb", str(directory), question],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
                          env={**os.environ, "BOT_DATA_DIR": str(data_dir)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench_size(size: int, n_queries: int, n_baseline: int, catalogs: Catalogs) -> list[dict]:
    kb = generate_kb(size)
    queries = make_queries(kb, n_queries)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kb").mkdir()
        write_directory(kb, Path(tmp) / "kb")
        cold_s, rss_mb = first_answer(Path(tmp) / "kb", queries[0][0], Path(tmp) / "data")
        warm_s, _ = first_answer(Path(tmp) / "kb", queries[1][0], Path(tmp) / "data")     # the engine cache
        cache_mb = sum(f.stat().st_size for f in (Path(tmp) / "data" / "cache").glob("*")) / 2**20
        gc.collect()
        started = time.perf_counter()
        engine, _ = build_engine(load_directory(Path(tmp) / "kb"), catalogs)
        build_s = time.perf_counter() - started
    assert engine is not None
    kb = engine.kb
    del engine
    gc.collect()
    tracemalloc.start()
    engine = Engine(kb, catalogs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def ours(text, lang):
        reply = engine.ask(text)
        return reply.candidates[0].entry_id if reply.candidates else None

    phrasings = [q for e in kb.entries for qs in e.questions.values() for q in qs]
    owner = [e.id for e in kb.entries for qs in e.questions.values() for _ in qs]

    def baseline(scorer):
        def run(text, lang):
            match = process.extractOne(text, phrasings, scorer=scorer)
            return owner[match[2]] if match else None
        return run

    rows = []
    for name, fn, qs in (("sahabat", ours, queries),
                         ("token_set_ratio", baseline(fuzz.token_set_ratio), queries[:n_baseline]),
                         ("WRatio", baseline(fuzz.WRatio), queries[:n_baseline])):
        latencies, correct = timed(fn, qs)
        rows.append({"entries": size, "method": name, "queries": len(qs),
                     "build_s": build_s if name == "sahabat" else None,
                     "cold_s": cold_s if name == "sahabat" else None, "rss_mb": rss_mb if name == "sahabat" else None,
                     "warm_s": warm_s if name == "sahabat" else None,
                     "cache_mb": cache_mb if name == "sahabat" else None,
                     "peak_mb": peak / 2**20 if name == "sahabat" else None,
                     "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
                     "top1": correct / len(qs)})
    return rows


def bench_bundled_load(catalogs: Catalogs, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        build_engine(load_directory(BUNDLED_KNOWLEDGE_DIR), catalogs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--baseline-queries", type=int, default=100)
    args = parser.parse_args()
    catalogs = Catalogs(BUNDLED_LOCALES_DIR)
    print(f"bundled knowledge base: load + validate + index + calibrate, median of 5: "
          f"{bench_bundled_load(catalogs) * 1000:.0f} ms")
    print("1st ans: `ask --kb` from process start to the first answer, without the engine cache (cold) and with it "
          "(warm); RSS: the cold run's peak resident memory; build: load + engine in this process.")
    print(f"{'entries':>8} {'method':<16} {'queries':>7} {'cold s':>7} {'warm s':>7} {'cache MB':>8} {'RSS MB':>7} "
          f"{'build s':>8} {'peak MB':>8} {'p50 ms':>8} {'p99 ms':>8} {'top-1':>6}")
    for size in (int(s) for s in args.sizes.split(",")):
        for row in bench_size(size, args.queries, args.baseline_queries, catalogs):
            build = f"{row['build_s']:.2f}" if row["build_s"] is not None else "-"
            peak = f"{row['peak_mb']:.0f}" if row["peak_mb"] is not None else "-"
            cold = f"{row['cold_s']:.2f}" if row["cold_s"] is not None else "-"
            warm = f"{row['warm_s']:.2f}" if row["warm_s"] is not None else "-"
            cache = f"{row['cache_mb']:.0f}" if row["cache_mb"] is not None else "-"
            rss = f"{row['rss_mb']:.0f}" if row["rss_mb"] is not None else "-"
            print(f"{row['entries']:>8} {row['method']:<16} {row['queries']:>7} {cold:>7} {warm:>7} {cache:>8} "
                  f"{rss:>7} {build:>8} {peak:>8} "
                  f"{row['p50_ms']:>8.3f} {row['p99_ms']:>8.3f} {row['top1']:>6.1%}", flush=True)


if __name__ == "__main__":
    main()
