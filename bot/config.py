"""The one place where configuration lives: typed settings from the environment and a `.env` file.

Each field has its one default here and its environment variable beside it. Real environment
variables win over `.env`. Values that are wrong stop start-up with a ConfigError naming the
variable. The token and the webhook secret are SecretStr: they never show in a repr or a log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
BUNDLED_LOCALES_DIR = PROJECT_ROOT / "locales"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def env(name: str, default: Any, description: str, **constraints: Any) -> Any:
    """A field read from the environment variable `name` (or set by its field name in code)."""
    return Field(default, validation_alias=AliasChoices(name), description=description, **constraints)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True,
                                      validate_by_name=True, validate_by_alias=True, case_sensitive=True)

    # -- where things are --------------------------------------------------------------------------
    # None: the live directory BOT_DATA_DIR/knowledge, seeded from the bundled base (bot/admin/bundled.py), so
    # what administrators install lives with the rest of the data and survives a new release.
    knowledge_dir: Path | None = env("BOT_KNOWLEDGE_DIR", None, "the knowledge base directory")
    locales_dir: Path = env("BOT_LOCALES_DIR", BUNDLED_LOCALES_DIR, "gettext catalogs")
    data_dir: Path = env("BOT_DATA_DIR", Path("data"), "where the SQLite database and kept versions live")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = env("BOT_LOG_LEVEL", "INFO",
                                                                  "the least severe log lines written")
    # -- Telegram --------------------------------------------------------------------------------------
    token: SecretStr | None = env("TELEGRAM_BOT_TOKEN", None, "the bot's token from @BotFather")
    api_url: str = env("TELEGRAM_API_URL", "https://api.telegram.org", "Bot API server root")
    admins: Annotated[frozenset[int], NoDecode] = env("BOT_ADMINS", frozenset(),
                                                      "comma-separated user ids of the bot's administrators")
    webhook_url: str | None = env("TELEGRAM_WEBHOOK_URL", None, "serve a webhook here instead of long polling")
    webhook_secret: SecretStr | None = env("TELEGRAM_WEBHOOK_SECRET", None, "required with a webhook URL")
    webhook_listen: str = env("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0", "webhook server address")
    webhook_port: int = env("TELEGRAM_WEBHOOK_PORT", 8443, "webhook server port", ge=1, le=65535)
    poll_timeout: float = env("BOT_POLL_TIMEOUT", 10.0, "seconds a getUpdates long poll waits", gt=0)
    concurrent_updates: int = env("BOT_CONCURRENT_UPDATES", 16, "updates handled at the same time", ge=1)
    # -- languages and time ----------------------------------------------------------------------------
    default_language: Literal["id", "ko", "en"] = env("BOT_DEFAULT_LANGUAGE", "en",
                                                      "interface language when nothing else tells")
    timezone: str = env("BOT_TIMEZONE", "Asia/Jakarta", "time zone of the dates the bot shows and schedules")
    announcement_zones: dict[str, str] = env("BOT_ANNOUNCEMENT_ZONES", {"WIB": "Asia/Jakarta", "KST": "Asia/Seoul"},
                                             "abbreviations an announcement's 'at:' line may use (JSON)")
    # -- limits ------------------------------------------------------------------------------------------
    group_answers_per_minute: int = env("BOT_GROUP_ANSWERS_PER_MINUTE", 10, "answers per chat per minute", ge=1)
    messages_per_second: int = env("BOT_MESSAGES_PER_SECOND", 30, "overall sending rate; 0 turns the limiter off",
                                   ge=0)
    private_answers_per_minute: int = env("BOT_PRIVATE_ANSWERS_PER_MINUTE", 20,
                                          "answers per user per minute in private chats; 0: no limit", ge=0)
    inline_queries_per_minute: int = env("BOT_INLINE_QUERIES_PER_MINUTE", 60,
                                         "inline queries answered per user per minute; 0: no limit", ge=0)
    send_retries: int = env("BOT_SEND_RETRIES", 2, "times a request Telegram refused with 429 is retried", ge=0)
    max_upload_bytes: int = env("BOT_MAX_UPLOAD_BYTES", 1024 * 1024, "largest knowledge file accepted", ge=1)
    # -- groups ------------------------------------------------------------------------------------------
    # A join may be reported before the group's migration service message; waiting lets the bot recognise
    # the supergroup as the same group and introduce itself once.
    introduction_delay: float = env("BOT_INTRODUCTION_DELAY", 5.0,
                                    "seconds a group join waits before the bot introduces itself", ge=0)
    # -- knowledge administration ------------------------------------------------------------------------
    watch_knowledge: bool = env("BOT_WATCH_KNOWLEDGE", False, "reload when the knowledge files change")
    watch_interval: float = env("BOT_WATCH_INTERVAL", 1.0, "seconds between two looks at the files", gt=0)
    unanswered_days: int = env("BOT_UNANSWERED_DAYS", 30, "days of unanswered questions /unanswered shows", ge=1)
    stats_days: int = env("BOT_STATS_DAYS", 7, "days /stats counts", ge=1)
    authoring_timeout: float = env("BOT_AUTHORING_TIMEOUT", 15.0,
                                   "minutes of silence after which /edit, /new or /event is closed", gt=0)
    # -- announcements -----------------------------------------------------------------------------------
    outbox_interval: float = env("BOT_OUTBOX_INTERVAL", 2.0, "seconds between two looks at the outbox", gt=0)
    delivery_attempts: int = env("BOT_DELIVERY_ATTEMPTS", 5, "network failures before a delivery is given up",
                                 ge=1)
    # -- answering ---------------------------------------------------------------------------------------
    # What the answer engine's calibration assumes about real questions and what its errors cost
    # (`bot.engine.decision.Traffic`; README "How answering works").
    near_miss_share: float = env("BOT_NEAR_MISS_SHARE", 0.15,
                                 "share of the questions reaching an entry that ask a fact the base lacks", ge=0, lt=1)
    cost_wrong: float = env("BOT_COST_WRONG", 1.0, "cost of a wrong answer (the unit of the costs)", ge=0)
    cost_refusal: float = env("BOT_COST_REFUSAL", 0.3, "cost of refusing an answerable question", ge=0)
    cost_tap: float = env("BOT_COST_TAP", 0.15, "cost of a \"did you mean\" whose first choice is right", ge=0)

    @field_validator("admins", mode="before")
    @classmethod
    def _parse_admins(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        admins = set()
        for part in value.replace(" ", "").split(","):
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ValueError(f"comma-separated numeric Telegram user ids, got {part!r}")
            admins.add(int(part))
        return frozenset(admins)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        _zone(value)
        return value

    @field_validator("announcement_zones")
    @classmethod
    def _known_zones(cls, value: dict[str, str]) -> dict[str, str]:
        for zone in value.values():
            _zone(zone)
        return {abbreviation.upper(): zone for abbreviation, zone in value.items()}

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("token", "webhook_url", "webhook_secret", "knowledge_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _webhook_has_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: "
                             "a webhook without a secret would accept updates from anyone")
        return self

    @property
    def live_knowledge_dir(self) -> Path:
        """The knowledge directory the bot answers from and administrators change."""
        return self.knowledge_dir if self.knowledge_dir is not None else self.data_dir / "knowledge"

    @property
    def heartbeat_file(self) -> Path:
        """Touched after every successful long poll (or every minute in webhook mode): `python -m bot health`."""
        return self.data_dir / "heartbeat"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token_value(self) -> str | None:
        """The token itself, for the one place that needs it (building the application)."""
        return self.token.get_secret_value() if self.token else None

    @classmethod
    def from_env(cls, dotenv: Path | None = Path(".env")) -> Settings:
        """Settings from the environment (and `dotenv`, if it exists); ConfigError when a value is wrong."""
        try:
            return cls(_env_file=dotenv)  # type: ignore[call-arg]
        except ValidationError as exc:
            raise ConfigError(describe(exc)) from None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise ValueError(f"{name!r} is not a known time zone (for example Asia/Jakarta)") from None


def describe(error: ValidationError) -> str:
    """One line per wrong value, named by its environment variable; never the value of a secret."""
    names = {name: field.validation_alias.choices[0] for name, field in Settings.model_fields.items()
             if isinstance(field.validation_alias, AliasChoices)}
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        where = str(item["loc"][0]) if item["loc"] else ""
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{names.get(where, where)}: {message}" if where else message)
    return "; ".join(lines)
