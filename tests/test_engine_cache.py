"""The engine kept between runs: used when nothing changed, rebuilt when anything did, never trusted
when unreadable. Real files in a real data directory."""

from __future__ import annotations

from bot.engine.cache import load_engine
from tests.conftest import MINIMAL_KB, write_kb


def test_an_unchanged_base_is_read_from_the_cache_and_answers_the_same(tmp_path, catalogs):
    kb_dir, cache = write_kb(tmp_path / "kb", MINIMAL_KB), tmp_path / "data" / "cache"
    first, problems = load_engine(kb_dir, catalogs, cache)
    assert first is not None and problems == []
    (kept,) = cache.glob("engine-*.pickle")
    second, _ = load_engine(kb_dir, catalogs, cache)
    assert second is not None and second is not first
    assert second.calibration == first.calibration
    assert second.ask("Berapa luas KITB?").text == first.ask("Berapa luas KITB?").text
    assert list(cache.glob("engine-*.pickle")) == [kept]


def test_a_changed_file_builds_afresh(tmp_path, catalogs):
    kb_dir, cache = write_kb(tmp_path / "kb", MINIMAL_KB), tmp_path / "cache"
    before, _ = load_engine(kb_dir, catalogs, cache)
    (kb_dir / "core.yaml").write_text((kb_dir / "core.yaml").read_text().replace("4300", "4400"))
    after, _ = load_engine(kb_dir, catalogs, cache)
    assert before is not None and after is not None and before.kb.version != after.kb.version
    assert "4.400" in after.ask("Berapa luas KITB?").text
    assert len(list(cache.glob("engine-*.pickle"))) == 2


def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path, catalogs):
    kb_dir, cache = write_kb(tmp_path / "kb", MINIMAL_KB), tmp_path / "cache"
    load_engine(kb_dir, catalogs, cache)
    (kept,) = cache.glob("engine-*.pickle")
    kept.write_bytes(b"not a pickle")
    engine, problems = load_engine(kb_dir, catalogs, cache)
    assert engine is not None and problems == [] and "4.300" in engine.ask("Berapa luas KITB?").text
    assert kept.read_bytes() != b"not a pickle"


def test_a_broken_base_is_never_cached(tmp_path, catalogs):
    kb_dir, cache = write_kb(tmp_path / "kb", {**MINIMAL_KB, "bad.yaml": "entries: [\n"}), tmp_path / "cache"
    engine, problems = load_engine(kb_dir, catalogs, cache)
    assert engine is None and any(not p.warning for p in problems)
    assert not cache.exists() or not list(cache.glob("*.pickle"))


def test_the_bundled_index_comes_back_from_a_pickle_with_the_same_phrasings_and_rankings(engine):
    import pickle

    index = engine.index
    restored = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    assert restored.phrasings == index.phrasings
    assert {type(p) for p in restored.phrasings} == {type(index.phrasings[0])}
    assert all(type(value) is int for p in restored.phrasings[:50] for value in (p.entry_index, p.number, *p.words))
    questions = (("Berapa luas KITB?", "id"), ("KITB 면적은 얼마인가요?", "ko"), ("who signed the mou", "en"))
    for question, lang in questions:
        assert restored.search(question, lang) == index.search(question, lang)


def test_a_phrasing_text_holding_the_separator_is_kept_as_it_is(engine):
    import copy
    import pickle

    index = copy.copy(engine.index)
    index.phrasings = list(index.phrasings)
    index.phrasings[3] = index.phrasings[3]._replace(text="a\0b")
    restored = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    assert restored.phrasings == index.phrasings
