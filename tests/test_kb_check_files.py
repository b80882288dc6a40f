"""`kb check` catches files, words, times and evaluation labels that would silently mislead."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap

import pytest

from bot.cli.evaluate import EvalFileError, read_cases
from bot.cli.main import main
from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.knowledge.installer import Installer, safe_file_name
from bot.knowledge.loader import Source, knowledge_files, load_directory, load_sources
from tests.conftest import MINIMAL_KB, write_kb


def check(extra: str, strict: bool = False):
    sources = [Source("core.yaml", textwrap.dedent(MINIMAL_KB["core.yaml"]).lstrip().encode()),
               Source("extra.yaml", textwrap.dedent(extra).lstrip("\n").encode())]
    result = load_sources(sources, strict=strict)
    return result, [p.render() for p in result.problems]


# -- one word, one meaning -----------------------------------------------------------------------------------
@pytest.mark.parametrize("extra, expected", [
    ("""
        synonyms:
          area: [luas, luasnya, area]
          size: [ukuran, Luas]
     """, "extra.yaml:3:18: error: 'Luas' in the synonyms 'size' is also 'luas' in the synonyms 'area' (extra.yaml:2)"),
    ("""
        synonyms:
          sign: [tanda tangan, teken]
          signature: [tandatangan, signature]
     """, "extra.yaml:3:15: error: 'tandatangan' in the synonyms 'signature' is also 'tanda tangan' in the synonyms "
          "'sign' (extra.yaml:2)"),
    ("""
        synonyms:
          estate: [kawasan, Grand Batang City]
     """, "extra.yaml:2:21: error: 'Grand Batang City' in the synonyms 'estate' is also 'Grand Batang City' in the "
          "name 'kitb' (core.yaml:10)"),
    ("""
        synonyms:
          estate: [kawasan, ｋｉｔｂ]
     """, "extra.yaml:2:21: error: 'ｋｉｔｂ' in the synonyms 'estate' is also 'KITB' in the name 'kitb' "
          "(core.yaml:7)"),
    ("""
        synonyms:
          area: [면적, 넓이]
        names:
          area_name:
            id: Luas
            ko: 넓이
            en: Area
     """, "extra.yaml:2:14: error: '넓이' in the synonyms 'area' is also '넓이' in the name 'area_name' "
          "(extra.yaml:6)"),
    ("""
        names:
          bus:
            id: Bis
            ko: 버스
            en: Bus
            aliases: [bis kota]
        synonyms:
          city: [kota, Bis Kota]
     """, "extra.yaml:8:16: error: 'Bis Kota' in the synonyms 'city' is also 'bis kota' in the name 'bus' "
          "(extra.yaml:6)"),
])
def test_a_word_in_two_groups_is_an_error_naming_both_places(extra, expected):
    result, problems = check(extra)
    assert result.kb is None
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert problems[0].endswith("; a word can belong to one synonym group or name only")


def test_a_word_repeated_inside_one_group_or_shared_by_two_names_is_fine():
    result, problems = check("""
        synonyms:
          area: [luas, Luas, area, AREA]
        names:
          gbc:
            id: Grand Batang City
            ko: 그랜드 바탕 시티
            en: Grand Batang City
            aliases: [GBC, gbc]
    """)
    assert problems == [] and result.kb is not None


def test_the_bundled_base_claims_no_word_twice():
    result = load_directory(BUNDLED_KNOWLEDGE_DIR, strict=True)
    assert not [p for p in result.problems if "a word can belong" in p.message]


# -- events in daylight-saving changes -----------------------------------------------------------------------
EVENT = """
    events:
      - id: seminar
        title: {{id: "Seminar", ko: "세미나", en: "Seminar"}}
        start: {start}
        end: {end}
        timezone: {zone}
"""


@pytest.mark.parametrize("zone, start, end, key, time", [
    ("Europe/Berlin", "2026-03-29 02:30", "2026-03-29 05:00", "start", "2026-03-29 02:30"),
    ("Europe/Berlin", "2026-03-29 01:00", "2026-03-29 02:15", "end", "2026-03-29 02:15"),
    ("Europe/Berlin", "2026-03-29T02:00:00", "2026-03-29 04:00", "start", "2026-03-29 02:00"),
    ("America/New_York", "2026-03-08 02:30", "2026-03-08 04:00", "start", "2026-03-08 02:30"),
    ("Australia/Sydney", "2026-10-04 02:30", "2026-10-04 04:00", "start", "2026-10-04 02:30"),
])
def test_a_time_that_does_not_exist_in_its_zone_is_an_error(zone, start, end, key, time):
    result, problems = check(EVENT.format(zone=zone, start=start, end=end))
    assert result.kb is None
    line = 4 if key == "start" else 5
    assert problems == [f"extra.yaml:{line}:{10 if key == 'end' else 12}: error: the {key} of the event 'seminar', "
                        f"{time}, does not exist in {zone}: the clocks jump forward over it that night; choose "
                        "another time"]


@pytest.mark.parametrize("zone, start", [("Europe/Berlin", "2026-10-25 02:30"),
                                         ("America/New_York", "2026-11-01 01:30")])
def test_a_time_that_happens_twice_is_a_warning_and_an_error_with_strict(zone, start):
    text = EVENT.format(zone=zone, start=start, end="2026-12-31 10:00")
    result, problems = check(text)
    assert result.kb is not None
    assert problems == [f"extra.yaml:4:12: warning: the start of the event 'seminar', {start}, happens twice in "
                        f"{zone}: the clocks go back over it that night, and the first is used; add the UTC offset "
                        "you mean, such as +02:00"]
    event = result.kb.events[0]
    assert event.start.fold == 0 and event.start.utcoffset() > event.start.replace(fold=1).utcoffset()
    strict, strict_problems = check(text, strict=True)
    assert strict.kb is None and strict_problems == [problems[0].replace("warning", "error")]


@pytest.mark.parametrize("zone, start", [
    ("Europe/Berlin", "2026-03-29 02:30+02:00"),      # an explicit offset says which instant is meant
    ("Europe/Berlin", "2026-10-25 02:30+01:00"),
    ("Europe/Berlin", "2026-03-29 03:00"),
    ("Asia/Jakarta", "2026-03-29 02:30"),             # no daylight saving time
    ("Asia/Seoul", "2026-10-25 02:30"),
])
def test_times_that_exist_once_are_fine(zone, start):
    result, problems = check(EVENT.format(zone=zone, start=start, end="2026-12-31 10:00"))
    assert problems == [] and result.kb is not None


# -- .yaml and .yml, the same way on every path --------------------------------------------------------------
NEW_FILE = """
    entries:
      - id: canteen
        questions: {id: ["kantin ada?"], ko: ["구내식당 있어요?"], en: ["is there a canteen?"]}
        answer: {id: "Ada kantin.", ko: "구내식당이 있습니다.", en: "There is a canteen."}
"""


def test_a_yml_file_in_the_directory_is_loaded(tmp_path):
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, "canteen.yml": NEW_FILE})
    result = load_directory(directory)
    assert result.problems == [] and "canteen" in result.kb.by_id
    assert sorted(result.kb.files) == ["canteen.yml", "core.yaml"]
    assert [p.name for p in knowledge_files(directory)] == ["canteen.yml", "core.yaml"]


def test_the_same_file_under_both_extensions_is_refused(tmp_path):
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, "canteen.yml": NEW_FILE, "canteen.yaml": NEW_FILE})
    result = load_directory(directory)
    assert result.kb is None
    assert [p.render() for p in result.errors][0] == ("canteen.yml:1:1: error: canteen.yml and canteen.yaml are both "
                                                      "in the knowledge directory; keep one of them")


@pytest.mark.parametrize("name", ["canteen.YAML", "canteen.Yml"])
def test_a_knowledge_file_with_a_capitalized_extension_is_refused_not_skipped(tmp_path, name):
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, name: NEW_FILE})
    result = load_directory(directory)
    assert result.kb is None
    fixed = name.rsplit(".", 1)[0] + "." + name.rsplit(".", 1)[1].lower()
    assert [p.render() for p in result.errors] == [f"{name}:1:1: error: {name} is not read because of its capital "
                                                   f"letters: name it {fixed}"]


def test_uploads_keep_the_yml_name_and_history_and_rollback_keep_yml_files(tmp_path):
    assert safe_file_name("canteen.yml") == "canteen.yml"
    assert safe_file_name("canteen.yaml") == "canteen.yaml"
    directory = write_kb(tmp_path / "kb", dict(MINIMAL_KB))
    installer = Installer(directory, tmp_path / "data")
    original = load_directory(directory).kb
    installer.keep(original.version, [Source(p.name, p.read_bytes()) for p in knowledge_files(directory)])
    data = textwrap.dedent(NEW_FILE).encode()
    sources = installer.sources_with("canteen.yml", data)
    second = load_sources(sources)
    assert second.problems == [] and "canteen" in second.kb.by_id
    installer.write({"canteen.yml": data})
    folder = installer.keep(second.kb.version, sources)
    assert sorted(s.name for s in installer.sources_of(folder)) == ["canteen.yml", "core.yaml"]
    assert load_directory(directory).kb.version == second.kb.version
    previous = installer.previous(second.kb.version)
    installer.write(installer.changes_to(previous))
    installer.forget_after(previous)
    assert not (directory / "canteen.yml").exists() and installer.versions() == [previous]
    assert load_directory(directory).kb.version == original.version


def test_an_upload_of_a_yml_twin_is_refused_by_the_check(tmp_path):
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, "canteen.yaml": NEW_FILE})
    installer = Installer(directory, tmp_path / "data")
    result = load_sources(installer.sources_with("canteen.yml", textwrap.dedent(NEW_FILE).encode()))
    assert result.kb is None
    assert "canteen.yml and canteen.yaml are both in the knowledge directory" in result.errors[0].render()


def test_watch_mode_sees_yml_files(tmp_path):
    from bot.admin.knowledge import fingerprint
    directory = write_kb(tmp_path / "kb", dict(MINIMAL_KB))
    before = fingerprint(directory)
    write_kb(directory, {"canteen.yml": NEW_FILE})
    assert fingerprint(directory) != before and "canteen.yml" in {row[0] for row in fingerprint(directory)}


# -- kb eval: labels that are no entry -----------------------------------------------------------------------
def eval_file(tmp_path, text: str):
    path = tmp_path / "questions.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize("line, expected", [
    ('- {q: "luas kitb", lang: id, expect: kitb-areaa}',
     "1:38: error: 'expect' names no entry: 'kitb-areaa' (did you mean 'kitb-area'?)"),
    ('- {q: "what is love", lang: en, expect: lovely-entry}', "1:41: error: 'expect' names no entry: 'lovely-entry'"),
    ('- {q: "cuaca", lang: id, expect: none}', "1:34: error: 'expect' is the text 'none'; write null (without "
                                               "quotes) for a question the bot must not answer"),
    ('- {q: "날씨", lang: ko, expect: None}', "1:31: error: 'expect' is the text 'None'; write null"),
    ('- {q: "weather", lang: en, expect: "null"}', "1:36: error: 'expect' is the text 'null'; write null"),
    ('- {q: "weather", lang: en}', "1:3: error: the item has no 'expect'"),
    ('- {q: "weather", lang: en, expect: 7}', "1:36: error: 'expect' must be an entry id or null, not 7"),
    ('- {q: yes, lang: en, expect: null}', "1:7: error: yes is read as the yes/no value true, not as text"),
    ('- {q: 2024, lang: en, expect: null}', "1:7: error: 2024 is read as the number 2024, not as text"),
])
def test_an_eval_label_that_is_no_entry_is_an_error_with_its_line(tmp_path, line, expected):
    path = eval_file(tmp_path, '- {q: "luas kitb", lang: id, expect: kitb-area}\n' + line + "\n")
    with pytest.raises(EvalFileError) as caught:
        read_cases(path, {"kitb-area", "mou-date"})
    (problem,) = caught.value.problems
    assert problem.render().startswith(f"{path}:{int(expected.split(':')[0]) + 1}:" + expected.split(":", 1)[1])


def test_good_eval_labels_load_with_their_lines(tmp_path):
    path = eval_file(tmp_path, """
        - {q: "luas kitb", lang: id, expect: kitb-area}
        # off-topic
        - {q: "weather today", lang: en, expect: null}
        - {q: "오늘 날씨", lang: ko, expect: ~}
    """)
    cases = read_cases(path, {"kitb-area"})
    assert [(c.expect, c.line) for c in cases] == [("kitb-area", 1), (None, 3), (None, 4)]


def test_kb_eval_refuses_a_misspelt_label_in_the_default_language(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BOT_DEFAULT_LANGUAGE", "ko")
    path = eval_file(tmp_path, '- {q: "luas kitb", lang: id, expect: kitb-areaa}\n')
    kb = shutil.copytree(BUNDLED_KNOWLEDGE_DIR, tmp_path / "kb")
    assert main(["kb", "eval", str(path), "--kb", str(kb)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:1:") and "'kitb-areaa'" in err and "'kitb-area'" in err
    assert "names no entry" not in err           # shown in Korean


def test_the_bundled_eval_file_names_only_real_entries(bundled_kb):
    from tests.test_eval_floors import EVAL_FILE
    cases = read_cases(EVAL_FILE, bundled_kb.by_id)
    assert cases and all(c.expect is None or c.expect in bundled_kb.by_id for c in cases)


# -- --strict and the bundled base ---------------------------------------------------------------------------
def test_the_bundled_base_passes_kb_check_strict(capsys):
    assert main(["kb", "check", "--strict", str(BUNDLED_KNOWLEDGE_DIR)]) == 0
    assert "0 warnings" in capsys.readouterr().out


def test_a_reminder_across_the_clock_change_is_exactly_its_offset_before_the_start():
    result, problems = check("""
        events:
          - id: early
            title: {id: "Pagi", ko: "아침", en: "Morning"}
            start: 2026-03-29 03:30
            timezone: Europe/Berlin
            reminders: [1d, 2h, 1h]
    """)
    assert problems == []
    event = result.kb.events[0]
    start = event.starts_at().astimezone(dt.timezone.utc)     # same-zone subtraction would be wall-clock time
    assert {label: start - at.astimezone(dt.timezone.utc) for label, at in event.reminder_times()} == {
        dt.timedelta(days=1): dt.timedelta(days=1), dt.timedelta(hours=2): dt.timedelta(hours=2),
        dt.timedelta(hours=1): dt.timedelta(hours=1)}
    assert [at.isoformat() for _, at in event.reminder_times()] == [
        "2026-03-28T02:30:00+01:00", "2026-03-29T00:30:00+01:00", "2026-03-29T01:30:00+01:00"]


def test_kb_check_points_at_the_line_and_fails_only_on_errors_unless_strict(tmp_path, capsys):
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, "extra.yml": "facts:\n  bus_total: 2026\n"})
    assert main(["kb", "check", str(directory)]) == 0
    assert "extra.yml:2:14: warning: the fact 'bus_total' is 2026, which looks like a year" in capsys.readouterr().out
    assert main(["kb", "check", "--strict", str(directory)]) == 1
    assert "extra.yml:2:14: error: the fact 'bus_total' is 2026" in capsys.readouterr().err
    write_kb(directory, {"extra.yml": "facts:\n  bus_count: 1:30\n"})
    assert main(["kb", "check", str(directory)]) == 1
    assert "extra.yml:2:14: error: the fact 'bus_count': 1:30 is read as the base-60 number 90" in \
        capsys.readouterr().err


def test_a_reminder_yaml_retyped_is_quoted_as_written():
    _, problems = check("""
        events:
          - id: seminar
            title: {id: "Seminar", ko: "세미나", en: "Seminar"}
            start: 2027-03-10 09:00
            timezone: Asia/Jakarta
            reminders: [1:30, 90, 1d]
    """)
    assert problems == [
        "extra.yaml:6:17: error: the reminder '1:30' must be a number of days, hours, or minutes before the start, "
        "such as 7d, 1d, 1h, or 30m",
        "extra.yaml:6:23: error: the reminder '90' must be a number of days, hours, or minutes before the start, "
        "such as 7d, 1d, 1h, or 30m"]
