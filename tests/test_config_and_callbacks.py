"""Settings from the environment and .env; typed callback data that never raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT, ConfigError, Settings
from bot.telegram import callbacks
from bot.telegram.callbacks import ALL, AnnouncementLanguages, Answer, CancelAnnouncement, Teach, UploadDecision

ENV_NAMES = ("TELEGRAM_BOT_TOKEN", "BOT_ADMINS", "BOT_TIMEZONE", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET",
             "BOT_MAX_UPLOAD_BYTES", "BOT_WATCH_INTERVAL", "BOT_DEFAULT_LANGUAGE", "TELEGRAM_WEBHOOK_PORT",
             "BOT_PRIVATE_ANSWERS_PER_MINUTE", "BOT_INTRODUCTION_DELAY")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_need_nothing():
    settings = Settings.from_env()
    assert settings.token is None and settings.admins == frozenset() and settings.max_upload_bytes == 1024 * 1024


def test_environment_and_dotenv_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=123:from-file\nBOT_ADMINS=1, 2\nBOT_WATCH_INTERVAL=0.5\n"
                                   "# a comment\nBOT_TIMEZONE=Asia/Seoul\n", encoding="utf-8")
    monkeypatch.setenv("BOT_TIMEZONE", "Asia/Jakarta")
    settings = Settings.from_env()
    assert settings.token_value == "123:from-file" and settings.admins == {1, 2}
    assert settings.watch_interval == 0.5 and settings.timezone == "Asia/Jakarta"
    assert "from-file" not in repr(settings) and "from-file" not in str(settings.token)


@pytest.mark.parametrize("name, value, mentioned", [
    ("BOT_ADMINS", "12,abc", "BOT_ADMINS"),
    ("BOT_TIMEZONE", "Mars/Olympus", "BOT_TIMEZONE"),
    ("BOT_MAX_UPLOAD_BYTES", "-1", "BOT_MAX_UPLOAD_BYTES"),
    ("BOT_DEFAULT_LANGUAGE", "fr", "BOT_DEFAULT_LANGUAGE"),
    ("BOT_PRIVATE_ANSWERS_PER_MINUTE", "-3", "BOT_PRIVATE_ANSWERS_PER_MINUTE"),
    ("BOT_PRIVATE_ANSWERS_PER_MINUTE", "many", "BOT_PRIVATE_ANSWERS_PER_MINUTE"),
    ("BOT_INTRODUCTION_DELAY", "-1", "BOT_INTRODUCTION_DELAY"),
    ("TELEGRAM_WEBHOOK_URL", "https://example.org/hook", "TELEGRAM_WEBHOOK_SECRET"),
])
def test_a_wrong_value_names_its_variable(monkeypatch, name, value, mentioned):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=mentioned):
        Settings.from_env()


def test_the_edge_settings_come_from_the_environment(monkeypatch):
    assert (Settings.from_env().private_answers_per_minute, Settings.from_env().introduction_delay) == (20, 5.0)
    monkeypatch.setenv("BOT_PRIVATE_ANSWERS_PER_MINUTE", "0")       # 0: no limit
    monkeypatch.setenv("BOT_INTRODUCTION_DELAY", "0.5")
    settings = Settings.from_env()
    assert settings.private_answers_per_minute == 0 and settings.introduction_delay == 0.5


def test_every_setting_is_documented_in_the_readme_and_env_example():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        variable = field.validation_alias.choices[0]
        assert f"| `{variable}` |" in readme, f"{variable} ({name}) is missing from the README's configuration table"
        assert f"{variable}=" in example, f"{variable} ({name}) is missing from .env.example"


def test_a_wrong_value_never_echoes_the_token(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:very-secret")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_PORT", "not-a-port")
    with pytest.raises(ConfigError) as raised:
        Settings.from_env()
    assert "very-secret" not in str(raised.value)


@pytest.mark.parametrize("button", [Answer("ko", "kitb-area"), AnnouncementLanguages(("id", "en")),
                                    UploadDecision(True, "0a1b2c3d"), CancelAnnouncement(41), Teach(7, "mou-date")])
def test_buttons_round_trip_and_fit_telegrams_64_bytes(button):
    data = button.encode()
    assert len(data.encode()) <= callbacks.MAX_BYTES and type(button).decode(data) == button


def test_unversioned_stateless_buttons_from_before_still_work():
    assert Answer.decode("a:id:kitb-area") == Answer("id", "kitb-area")
    assert UploadDecision.decode("up:yes:0a1b2c3d") is None          # confirmations never outlive a restart


def test_a_button_too_long_for_telegram_is_refused_when_made():
    with pytest.raises(ValueError):
        Teach(1, "x" * 70).encode()


@given(st.text(max_size=80))
def test_any_data_decodes_to_a_button_or_none(data):
    for kind in ALL:
        decoded = kind.decode(data)
        assert decoded is None or isinstance(decoded, kind)
