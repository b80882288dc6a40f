"""`python -m bot run`: prepare the knowledge directory, load everything, refuse clearly when
something is missing, then serve until SIGTERM or SIGINT.

A stop is honoured at any moment: until the event loop runs, SIGTERM raises SystemExit (and is
repeated should that be lost, bot/stop_request.py) and Ctrl-C KeyboardInterrupt, and start-up
unwinds; then either sets the stop event, which also ends the wait for an unreachable Telegram.
Exit codes: 0 after a stop, 1 when start-up is refused (the knowledge base, the database, a
refused token), 2 without a token.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import stop_request
from bot.config import BUNDLED_KNOWLEDGE_DIR, Settings

if TYPE_CHECKING:       # telegram is imported only when the bot runs (the CLI's other commands start faster)
    from telegram.ext import Application

    from bot.admin.bundled import Prepared

    AnyApplication = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger("bot")
NO_TOKEN = ("error: TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), put its token "
            "in the environment or in a .env file, and run again. To try the bot without Telegram: python -m bot chat")
HEARTBEAT_EVERY_S = 30.0        # webhook mode: no long poll returns, so a job shows the loop is alive
ALL_UPDATES = ["message", "edited_message", "callback_query", "inline_query", "my_chat_member", "chat_member"]


def run_bot(settings: Settings, kb_dir: Path | None = None) -> int:
    """Run the bot on `kb_dir`, or on the live knowledge directory (prepared first) when None."""
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.telegram.logs import configure_logging
    configure_logging(settings)
    try:
        return _run(settings, kb_dir)
    except BaseException as exc:        # Ctrl-C or SIGTERM before the bot was running
        if not isinstance(exc, (KeyboardInterrupt, SystemExit)) and not stop_request.requested.is_set():
            raise
        stop_request.honoured.set()
        log.info("stopped during start-up")
        return 0


def _run(settings: Settings, kb_dir: Path | None) -> int:
    from bot.admin.bundled import BundledError, prepare
    from bot.engine.cache import load_engine
    from bot.engine.decision import Traffic
    from bot.i18n import CatalogError, Catalogs
    from bot.store import Store, StoreError
    from bot.telegram.app import build_application
    from bot.telegram.startup import TokenRefused
    try:
        catalogs = Catalogs(settings.locales_dir)
    except CatalogError as exc:
        log.error("%s", exc)
        return 1
    prepared = None
    if kb_dir is None:
        kb_dir = settings.live_knowledge_dir
        try:
            prepared = prepare(kb_dir, BUNDLED_KNOWLEDGE_DIR)
        except BundledError as exc:
            log.error("%s", exc)
            return 1
    settings = settings.model_copy(update={"knowledge_dir": kb_dir})
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
    try:
        application = build_application(settings, engine, store, catalogs)
        log.info("knowledge base %s: %d entries in %s; data in %s", engine.kb.version, len(engine.kb.entries),
                 kb_dir, store.path)
        asyncio.run(serve_until_signal(application, settings, prepared))
    except TokenRefused as exc:
        log.error("%s", exc)
        return 1
    finally:
        store.close()
    log.info("stopped")
    return 0


async def serve_until_signal(application: AnyApplication, settings: Settings, prepared: Prepared | None = None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stopping() -> None:
        stop_request.honoured.set()
        stop.set()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping)
    if stop_request.requested.is_set():     # a SIGTERM whose SystemExit was lost on the way here
        stopping()
    loop.add_signal_handler(signal.SIGHUP, lambda: application.create_task(reload_on_hangup(application)))
    await serve(application, settings, stop, prepared)


async def reload_on_hangup(application: AnyApplication) -> None:
    from bot.telegram.admin import reload_and_notify
    await reload_and_notify(application, "sighup")


async def serve(application: AnyApplication, settings: Settings, stop: asyncio.Event,
                prepared: Prepared | None = None) -> None:
    """Start (retrying while Telegram cannot be reached), run until `stop` is set or Telegram refuses
    the token (TokenRefused), then stop within bot/telegram/stopping.py's deadline. The tests run
    exactly this."""
    from bot.telegram.fetching import PollingBot, on_polling_error
    from bot.telegram.startup import TOKEN_REFUSED, TokenRefused, until_done
    from bot.telegram.stopping import resume_unfinished, stop_within_budget
    updater = application.updater
    assert updater is not None, "built with an updater (ApplicationBuilder's default)"
    refused = asyncio.Event()
    bot = application.bot
    if isinstance(bot, PollingBot):
        bot.fetching.token_refused.append(refused.set)

        def skipped(update_id: int | None, kind: str) -> None:
            application.create_task(_tell_skipped(application, update_id, kind))
        bot.fetching.skipped.append(skipped)
    settings.heartbeat_file.unlink(missing_ok=True)     # healthy only once this run has reached Telegram
    try:
        if not await until_done(application.initialize, "connecting (getMe)", stop):
            return
        if application.post_init and not await until_done(lambda: application.post_init(application),  # type: ignore[misc]
                                                          "setting the command menus", stop):
            return
        await application.start()
        await resume_unfinished(application, settings.data_dir)
        if settings.webhook_url:
            log.info("serving a webhook on %s:%d", settings.webhook_listen, settings.webhook_port)
            started = await until_done(lambda: updater.start_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port,
                url_path=_webhook_path(settings.webhook_url or ""), webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
                allowed_updates=ALL_UPDATES), "setting the webhook", stop)
            _beat_while_serving(application, settings)
        else:
            log.info("long polling %s", settings.api_url)
            # Seconds as a float: the tests poll for fractions of a second (typed int | timedelta in 22.x).
            started = await until_done(lambda: updater.start_polling(
                allowed_updates=ALL_UPDATES, poll_interval=0.0, timeout=settings.poll_timeout,  # type: ignore[arg-type]
                error_callback=on_polling_error), "deleting the webhook", stop)
        if not started:
            return
        if prepared is not None:
            application.create_task(_tell_about_bundled(application, prepared))
        await _first_of(stop, refused)
        if refused.is_set() and not stop.is_set():
            raise TokenRefused(TOKEN_REFUSED.format(when=" while the bot was running"))
        log.info("stopping: finishing the updates already received")
    finally:
        saved = await stop_within_budget(application, settings.data_dir)
        if saved:
            log.info("%d unfinished update(s) will be handled at the next start", saved)


async def _first_of(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _beat_while_serving(application: AnyApplication, settings: Settings) -> None:
    async def beat(_context: object) -> None:
        updater = application.updater
        if updater is not None and updater.running:
            settings.heartbeat_file.touch()

    assert application.job_queue is not None
    application.job_queue.run_repeating(beat, interval=HEARTBEAT_EVERY_S, first=0, name="heartbeat")


async def _tell_skipped(application: AnyApplication, update_id: int | None, kind: str) -> None:
    """Tell the administrators about an update that was skipped (at most once a minute per kind)."""
    import time

    from bot.i18n import _
    from bot.telegram.admin import notify_admins
    from bot.telegram.errors import NOTIFY_EVERY_S
    from bot.telegram.runtime import RUNTIME_KEY
    runtime = application.bot_data[RUNTIME_KEY]
    key, now = f"skipped {kind}", time.monotonic()
    if now - runtime.error_notices.get(key, -NOTIFY_EVERY_S) < NOTIFY_EVERY_S:
        return
    runtime.error_notices[key] = now
    await notify_admins(application, lambda lang: runtime.t(lang, _(
        "⚠️ Telegram sent an update that the bot cannot read (update {update_id}, {kind}). It was skipped; the "
        "updates after it are answered as usual.")).format(update_id=update_id if update_id is not None else "?",
                                                           kind=kind))


async def _tell_about_bundled(application: AnyApplication, prepared: Prepared) -> None:
    """Once per release: this release's bundled base differs from the one the administrators changed."""
    from bot.admin.bundled import mark_told
    from bot.i18n import _
    from bot.telegram.admin import notify_admins
    from bot.telegram.runtime import RUNTIME_KEY
    plan = prepared.plan
    if prepared.what != "kept" or plan is None or plan.up_to_date or plan.told == plan.release:
        return
    runtime = application.bot_data[RUNTIME_KEY]
    log.warning("knowledge: this release's bundled base (version %s) differs from the one in %s, which "
                "administrators have changed; it stays as it is. `python -m bot kb upgrade` shows what the new "
                "one would change", plan.release, runtime.settings.live_knowledge_dir)
    if not runtime.settings.admins:
        return
    await notify_admins(application, lambda lang: runtime.t(lang, _(
        "This release of the bot comes with a new bundled knowledge base (version {version}). Your knowledge "
        "base has changes of your own, so it stays as it is. To see what the new one would change, and to install it, "
        "run `python -m bot kb upgrade` on the server.")).format(version=plan.release))
    try:
        mark_told(runtime.settings.live_knowledge_dir, plan.release)
    except OSError as exc:
        log.warning("cannot remember that the administrators were told: %s", exc.strerror)


def _webhook_path(url: str) -> str:
    from urllib.parse import urlsplit
    return urlsplit(url).path.lstrip("/")
