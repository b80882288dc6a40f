"""`python -m bot run`: load everything, refuse clearly when something is missing, then serve."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:       # telegram is imported only when the bot runs (the CLI's other commands start faster)
    from telegram.ext import Application

    AnyApplication = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger("bot")
NO_TOKEN = ("error: TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), put its token "
            "in the environment or in a .env file, and run again. To try the bot without Telegram: python -m bot chat")


class RedactSecrets(logging.Filter):
    """Replaces the token (and webhook secret) in every log record: request URLs contain the token."""

    def __init__(self, *secrets: str | None):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self.secrets):
                for secret in self.secrets:
                    text = text.replace(secret, "[redacted]")
                record.exc_info, record.exc_text = None, text
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(settings.token_value,
                                   settings.webhook_secret.get_secret_value() if settings.webhook_secret else None))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def run_bot(settings: Settings, kb_dir: Path) -> int:
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(settings)
    from bot.engine.cache import load_engine
    from bot.engine.decision import Traffic
    from bot.i18n import CatalogError, Catalogs
    from bot.store import Store, StoreError
    from bot.telegram.app import build_application
    try:
        catalogs = Catalogs(settings.locales_dir)
    except CatalogError as exc:
        log.error("%s", exc)
        return 1
    engine, problems = load_engine(kb_dir, catalogs, settings.data_dir / "cache", settings.default_language,
                                   Traffic.of(settings))
    if engine is None:
        gettext = catalogs.for_language(settings.default_language)
        for problem in problems:
            if not problem.warning:
                log.error("%s", problem.render(gettext))
        log.error("the knowledge base in %s has errors; not starting", kb_dir)
        return 1
    try:
        store = Store(settings.data_dir)
    except StoreError as exc:
        log.error("%s", exc)
        return 1
    application = build_application(settings, engine, store, catalogs)
    log.info("knowledge base %s: %d entries; data in %s", engine.kb.version, len(engine.kb.entries), store.path)
    try:
        asyncio.run(serve_until_signal(application, settings))
    finally:
        store.close()
    log.info("stopped")
    return 0


async def serve_until_signal(application: AnyApplication, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: application.create_task(reload_on_hangup(application)))
    await serve(application, settings, stop)


async def reload_on_hangup(application: AnyApplication) -> None:
    from bot.telegram.admin import reload_and_notify
    await reload_and_notify(application, "sighup")


async def serve(application: AnyApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Run until `stop` is set, then stop fetching, finish the updates already received
    (Application.stop drains its queue), and shut down. The tests run exactly this."""
    updater = application.updater
    assert updater is not None, "built with an updater (ApplicationBuilder's default)"
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        if settings.webhook_url:
            log.info("serving a webhook on %s:%d", settings.webhook_listen, settings.webhook_port)
            await updater.start_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port,
                url_path=_webhook_path(settings.webhook_url), webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
                allowed_updates=ALL_UPDATES)
        else:
            log.info("long polling %s", settings.api_url)
            # Seconds as a float: the tests poll for fractions of a second (typed int | timedelta in 22.x).
            await updater.start_polling(allowed_updates=ALL_UPDATES, poll_interval=0.0,
                                        timeout=settings.poll_timeout)  # type: ignore[arg-type]
        await stop.wait()
        log.info("stopping: finishing the updates already received")
    finally:
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()


ALL_UPDATES = ["message", "edited_message", "callback_query", "inline_query", "my_chat_member", "chat_member"]


def _webhook_path(url: str) -> str:
    from urllib.parse import urlsplit
    return urlsplit(url).path.lstrip("/")
