"""Knowledge uploads as administrators really produce them (an export from a JSON tool, Windows
editors' BOM and CRLF, a file that is mostly comments) install correctly; uploads that clash with
the installed base (a synonym or name defined again, an entry id taken, a control character, a
name no machine can save) get a clear error in the administrator's language and never replace the
working base. End to end through the fake Bot API server, with real files and catalogs."""

from __future__ import annotations

import json

import pytest

from tests.telegram_harness import ask
from tests.test_admin_e2e import ADMIN, USER, admin_bot, kb_dir, press_install, upload  # noqa: F401 - fixtures

CANTEEN = {"id": "canteen-test", "topic": "kitb",
           "questions": {"id": ["Apakah ada kantin uji coba di KITB?"], "ko": ["KITB에 시험용 구내식당이 있나요?"],
                         "en": ["Is there a trial canteen at KITB?"]},
           "answer": {"id": "Jawaban uji coba tentang kantin.", "ko": "구내식당에 관한 시험 답변입니다.",
                      "en": "A test answer about the canteen."}}
BLOCK = ("entries:\n"
         "  - id: canteen-test\n"
         "    topic: kitb\n"
         "    questions:\n"
         "      id: [\"Apakah ada kantin uji coba di KITB?\"]\n"
         "      ko: [\"KITB에 시험용 구내식당이 있나요?\"]\n"
         "      en: [\"Is there a trial canteen at KITB?\"]\n"
         "    answer:\n"
         "      id: \"Jawaban uji coba tentang kantin.\"\n"
         "      ko: \"구내식당에 관한 시험 답변입니다.\"\n"
         "      en: \"A test answer about the canteen.\"\n")
COMMENTS = "".join(f"# catatan {n:06d}: {'x' * 80}\n" for n in range(10_000))     # about 1 MB


def files(directory):
    return {p.name: p.read_bytes() for p in directory.iterdir()}


@pytest.mark.parametrize("data", [
    json.dumps({"entries": [CANTEEN]}, ensure_ascii=False).encode(),
    b"\xef\xbb\xbf" + BLOCK.encode(),
    BLOCK.replace("\n", "\r\n").encode(),
    b"\xef\xbb\xbf" + BLOCK.replace("\n", "\r\n").encode(),
    (COMMENTS[: 1_000_000 - len(BLOCK.encode())] + BLOCK).encode(),
], ids=["JSON one-liner", "BOM", "CRLF", "BOM and CRLF", "1 MB of comments"])
async def test_an_upload_in_any_common_shape_installs_and_is_answered(server, admin_bot, kb_dir, data):  # noqa: F811
    assert len(data) <= 1024 * 1024
    preview = await upload(server, data, "canteen.yaml")
    assert "canteen.yaml is valid" in preview.text and "Added: canteen-test" in preview.text, preview.text
    report = await press_install(server, preview)
    assert "✅" in report.text
    assert (await ask(server, "Is there a trial canteen at KITB?", USER)).text == "A test answer about the canteen."
    assert "4,300" in (await ask(server, "How big is KITB?", USER)).text


REFUSED = {
    "a synonym group defined again": ("more-synonyms.yaml", b"synonyms:\n  sign: [teken, paraf]\n", "en",
                                      "'sign' is defined twice as a fact, name, or synonym group"),
    "a word of another synonym group": ("more-synonyms.yaml", b"synonyms:\n  signing: [tanda tangan, paraf]\n", "en",
                                        "a word can belong to one synonym group or name only"),
    "a name defined again": ("names.yaml", b"names:\n  kitb:\n    id: KITB\n    ko: KITB\n    en: KITB\n", "en",
                             "'kitb' is defined twice as a fact, name, or synonym group"),
    # Reported at the second definition in file-name order, naming the first: both places are shown.
    "an entry id taken": ("canteen.yaml", BLOCK.replace("canteen-test", "kitb-area").encode(), "en",
                          "error: duplicate entry id 'kitb-area' (first defined at canteen.yaml:2)"),
    "a NUL byte": ("canteen.yaml", BLOCK.replace("uji coba di", "uji\x00coba di").encode(), "en",
                   "canteen.yaml:5:34: error: the control character U+0000 is not allowed in YAML"),
    "a control character, for a Korean administrator": (
        "canteen.yaml", BLOCK.replace("canteen-test", "canteen\x07test").encode(), "ko",
        "canteen.yaml:2:16: 오류: YAML에서는 제어 문자 U+0007을(를) 쓸 수 없습니다"),
    "a Windows device name": ("con.yaml", BLOCK.encode(), "en", "plain name"),
    "a path": ("../../x.yaml", BLOCK.encode(), "en", "plain name"),
    "a name outside ASCII, for an Indonesian administrator": ("pengetahuan-ü.yaml", BLOCK.encode(), "id", ".yaml"),
}


@pytest.mark.parametrize("name, data, language_code, expected", REFUSED.values(), ids=list(REFUSED))
async def test_an_upload_that_clashes_is_refused_clearly_and_the_base_keeps_working(
        server, admin_bot, kb_dir, name, data, language_code, expected):  # noqa: F811
    before = files(kb_dir)
    refused = await upload(server, data, name, language_code=language_code)
    assert expected in refused.text, refused.text
    assert not refused.buttons()
    assert files(kb_dir) == before
    assert "4,300" in (await ask(server, "How big is KITB?", USER)).text
