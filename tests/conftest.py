from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.config import BUNDLED_KNOWLEDGE_DIR, BUNDLED_LOCALES_DIR
from bot.engine.answer import Engine
from bot.i18n import Catalogs
from bot.knowledge.loader import load_directory

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ("tests.tiny_bot",)     # bot_app and polling: a tiny bot for testing the fake server itself


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs(BUNDLED_LOCALES_DIR)


@pytest.fixture(scope="session")
def bundled():
    result = load_directory(BUNDLED_KNOWLEDGE_DIR)
    assert result.kb is not None, [p.render() for p in result.errors]
    return result


@pytest.fixture(scope="session")
def bundled_kb(bundled):
    return bundled.kb


@pytest.fixture(scope="session")
def engine(bundled, catalogs) -> Engine:
    return Engine(bundled.kb, catalogs)


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A writable copy of the bundled knowledge directory."""
    import shutil
    target = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture
async def server():
    """The fake Bot API server on 127.0.0.1."""
    from tests.fake_telegram import FakeTelegram
    async with FakeTelegram() as fake:
        yield fake


def write_kb(directory: Path, files: dict[str, str | bytes]) -> Path:
    """Write knowledge files (dedented text or raw bytes) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return directory


MINIMAL_KB = {
    "core.yaml": """
        facts:
          area_ha: 4300
          signed: 2023-07-07
          ready: {year: 2024}
        names:
          kitb:
            id: KITB
            ko: KITB
            en: KITB
            aliases: [Grand Batang City]
        topics:
          kitb: {id: "KITB", ko: "KITB", en: "KITB"}
        entries:
          - id: kitb-area
            topic: kitb
            questions:
              id: ["Berapa luas KITB?", "luas kitb brp"]
              ko: ["KITB 면적은 얼마인가요?", "kitb면적"]
              en: ["How big is KITB?", "kitb size"]
            answer:
              id: "Luas {kitb} {area_ha} hektare."
              ko: "{kitb}의 면적은 {area_ha}헥타르입니다."
              en: "{kitb} covers {area_ha} hectares."
            related: [mou-date]
          - id: mou-date
            topic: kitb
            questions:
              id: ["Kapan MoU ditandatangani?"]
              ko: ["MoU는 언제 체결됐나요?"]
              en: ["When was the MoU signed?"]
            answer:
              id: "Pada {signed:weekday}, {signed}."
              ko: "{signed} {signed:weekday}에 체결됐습니다."
              en: "On {signed:weekday}, {signed}."
    """,
}
