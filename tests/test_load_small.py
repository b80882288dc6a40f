"""A small run of bench/telegram_load.py: every question from many users gets exactly one reply."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def load_bench():
    spec = importlib.util.spec_from_file_location("telegram_load", ROOT / "bench" / "telegram_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_many_users_each_get_one_reply_per_question(bundled_kb, catalogs):
    bench = load_bench()
    result = await bench.run_load(bench.sahabat_builder(bundled_kb, catalogs), n_questions=200, n_users=40, rate=0)
    assert result["handled"] == 200
    assert result["replies_per_chat_ok"]
