"""The one place where configuration is read: environment variables (and a `.env` file)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
BUNDLED_LOCALES_DIR = PROJECT_ROOT / "locales"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are ignored, quotes are stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def _parse_admins(text: str) -> frozenset[int]:
    admins = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"BOT_ADMINS must be comma-separated numeric Telegram user ids, got {part!r}")
        admins.add(int(part))
    return frozenset(admins)


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = BUNDLED_KNOWLEDGE_DIR
    locales_dir: Path = BUNDLED_LOCALES_DIR
    data_dir: Path = Path("data")
    timezone: str = "Asia/Jakarta"
    default_language: str = "en"
    token: str | None = field(default=None, repr=False)  # never shown in logs or repr
    api_url: str = "https://api.telegram.org"
    admins: frozenset[int] = frozenset()
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    group_answers_per_minute: int = 10
    poll_timeout: float = 10.0     # seconds a getUpdates long poll waits
    messages_per_second: int = 30  # Telegram's overall limit for one bot; 0 turns our limiter off
    watch_knowledge: bool = False  # reload automatically when the knowledge files change
    outbox_interval: float = 2.0   # seconds between two looks at the announcement outbox
    # Added by the edge work (issue 9): answers per user per minute in private chats (0: no limit), and how
    # long a group join waits before the introduction, so that a join reported before the group's
    # migration service message is recognised as the same group and not introduced twice.
    private_answers_per_minute: int = 20
    introduction_delay: float = 5.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv: Path | None = Path(".env")) -> "Settings":
        env: dict[str, str] = {}
        if dotenv is not None:
            env.update(read_dotenv(dotenv))
        env.update(os.environ if environ is None else environ)

        def get(name: str, default: str | None = None) -> str | None:
            value = env.get(name, "").strip()
            return value or default

        port = get("TELEGRAM_WEBHOOK_PORT", "8443")
        per_minute = get("BOT_GROUP_ANSWERS_PER_MINUTE", "10")
        per_second = get("BOT_MESSAGES_PER_SECOND", "30")
        private_per_minute = get("BOT_PRIVATE_ANSWERS_PER_MINUTE", "20")
        for name, value in (("TELEGRAM_WEBHOOK_PORT", port), ("BOT_GROUP_ANSWERS_PER_MINUTE", per_minute),
                            ("BOT_MESSAGES_PER_SECOND", per_second),
                            ("BOT_PRIVATE_ANSWERS_PER_MINUTE", private_per_minute)):
            if not value.isdigit():
                raise ConfigError(f"{name} must be a whole number, got {value!r}")
        default_language = get("BOT_DEFAULT_LANGUAGE", "en")
        if default_language not in ("id", "ko", "en"):
            raise ConfigError(f"BOT_DEFAULT_LANGUAGE must be id, ko or en, got {default_language!r}")
        timezone = get("BOT_TIMEZONE", "Asia/Jakarta")
        try:
            from zoneinfo import ZoneInfo
            ZoneInfo(timezone)
        except (ValueError, KeyError, OSError):
            raise ConfigError(f"BOT_TIMEZONE {timezone!r} is not a known time zone (for example Asia/Jakarta)") from None
        webhook_url = get("TELEGRAM_WEBHOOK_URL")
        webhook_secret = get("TELEGRAM_WEBHOOK_SECRET")
        if webhook_url and not webhook_secret:
            raise ConfigError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: "
                              "a webhook without a secret would accept updates from anyone")
        return cls(
            knowledge_dir=Path(get("BOT_KNOWLEDGE_DIR", str(BUNDLED_KNOWLEDGE_DIR))),
            locales_dir=Path(get("BOT_LOCALES_DIR", str(BUNDLED_LOCALES_DIR))),
            data_dir=Path(get("BOT_DATA_DIR", "data")),
            timezone=timezone,
            default_language=default_language,
            token=get("TELEGRAM_BOT_TOKEN"),
            api_url=get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
            admins=_parse_admins(get("BOT_ADMINS", "")),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0"),
            webhook_port=int(port),
            group_answers_per_minute=int(per_minute),
            messages_per_second=int(per_second),
            private_answers_per_minute=int(private_per_minute),
            watch_knowledge=get("BOT_WATCH_KNOWLEDGE", "0") in ("1", "true", "yes", "on"),
        )
