"""FakeTelegram: lifecycle, state for tests, error injection, inspecting calls, dispatching requests."""

from __future__ import annotations

import asyncio
import hmac
import inspect
import itertools
import logging
import time
from typing import Any, Callable, Iterable

import tornado.httpclient
import tornado.httpserver
import tornado.netutil
import tornado.web

from tests.fake_telegram.http import _BotHandler, _FileHandler, _NotFoundHandler, _redacted_access_log
from tests.fake_telegram.methods import MethodsMixin
from tests.fake_telegram.pushing import BOT_USER, MEMBER_STATUSES, PushMixin
from tests.fake_telegram.records import (
    GONE,
    ApiError,
    Call,
    Connection,
    FailRule,
    Poll,
    StoredFile,
    UploadedFile,
    WaitTimeout,
    WebhookDelivery,
    default_description,
)
from tests.fake_telegram.updates import UpdatesMixin
from tests.fake_telegram.wire import same_chat

_log = logging.getLogger("fake_telegram")
DEFAULT_TOKEN = "123456:TEST-token"
MethodImpl = Callable[[Call], Any]


class FakeTelegram(PushMixin, UpdatesMixin, MethodsMixin):
    """A fake Bot API server. See the package docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, latency: float = 0.0,
                 validate_html: bool = True, enforce_membership: bool = True,
                 max_text_length: int = 4096, port: int = 0) -> None:
        self.token = token
        self.listen_port = port                         # 0: any free port (a test of a late start names one)
        self.latency = latency                          # seconds added to every response
        self.validate_html = validate_html              # parse parse_mode=HTML like Telegram
        self.enforce_membership = enforce_membership    # 403 once the bot is kicked/blocked
        self.max_text_length = max_text_length          # after entity parsing, in characters
        self.webhook_retry_delay = 0.05
        self.bot_user: dict[str, Any] = dict(BOT_USER)

        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []         # everything ever pushed
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.unauthorized_requests = 0                  # requests with a wrong token
        self.file_downloads: list[str] = []             # file_paths served by /file/bot<token>/
        self.max_download_size = 20 * 1024 * 1024       # getFile refuses bigger files (20 MB)
        self.max_caption_length = 1024

        self._pending: list[dict[str, Any]] = []        # not yet confirmed / delivered
        self._allowed_updates: list[str] | None = None
        self._webhook: dict[str, Any] | None = None
        self._update_ids = itertools.count(100001)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_bot_message: dict[int, int] = {}
        self._member_status: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
        self._open_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._files: dict[str, StoredFile] = {}        # by file_id
        self._file_paths: dict[str, str] = {}           # file_path -> file_id
        self._file_numbers = itertools.count(0)
        self._fail_rules: list[FailRule] = []
        self._overrides: dict[str, MethodImpl] = {}
        self._consumed: set[int] = set()
        self._polls: list[Poll] = []
        self._update_event = asyncio.Event()
        self._call_event = asyncio.Event()
        self._stopping = False
        self._http_server: tornado.httpserver.HTTPServer | None = None
        self._http_client: tornado.httpclient.AsyncHTTPClient | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self.port: int | None = None

        # Only the methods the bot calls; any other answers 404 "method not found" (or use `on`).
        impls: dict[str, Callable[[Call, Connection], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getChatMember": self._get_chat_member,
        }
        self._impls = impls
        self._canonical = {name.lower(): name for name in impls}

    # ----- lifecycle -----
    @property
    def root(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.root}/file/bot"

    async def start(self) -> "FakeTelegram":
        if self._http_server is not None:
            return self
        self._stopping = False
        app = tornado.web.Application(
            [(r"/bot([^/]+)/([^/]+)", _BotHandler, {"server": self}),
             (r"/file/bot([^/]+)/(.*)", _FileHandler, {"server": self})],
            log_function=_redacted_access_log,
            default_handler_class=_NotFoundHandler,
        )
        sockets = tornado.netutil.bind_sockets(self.listen_port, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._http_server = tornado.httpserver.HTTPServer(app)
        self._http_server.add_sockets(sockets)
        self._http_client = tornado.httpclient.AsyncHTTPClient(force_instance=True)
        self._webhook_task = asyncio.create_task(self._webhook_loop(), name="FakeTelegram:webhook")
        return self

    async def stop(self) -> None:
        if self._http_server is None:
            return
        self._stopping = True
        self._notify_updates()
        self._http_server.stop()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            try:
                await self._webhook_task
            except (asyncio.CancelledError, Exception):
                pass
            self._webhook_task = None
        await asyncio.sleep(0)  # let woken long polls answer
        try:
            await asyncio.wait_for(self._http_server.close_all_connections(), 5)
        except asyncio.TimeoutError:
            _log.warning("FakeTelegram: connections did not close in time")
        if self._http_client is not None:
            self._http_client.close()
            self._http_client = None
        self._http_server = None

    async def __aenter__(self) -> "FakeTelegram":
        return await self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()

    def __repr__(self) -> str:  # never shows the token
        where = f"http://127.0.0.1:{self.port}" if self.port else "not started"
        return f"<FakeTelegram {where} calls={len(self.calls)} pending={len(self._pending)}>"

    # ----- state helpers for tests -----
    def set_member_status(self, chat_id: int, user_id: int, status: str, **fields: Any) -> None:
        """What getChatMember answers for (chat, user); default "member". ``fields`` override the
        ChatMember JSON (e.g. ``custom_title="Boss"``, ``can_promote_members=True``)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        self._member_status[(int(chat_id), int(user_id))] = (status, fields)

    def member_status(self, chat_id: int, user_id: int) -> str:
        return self._member_status.get((int(chat_id), int(user_id)), ("member", {}))[0]

    def set_chat(self, chat_id: int, chat_type: str, *, title: str | None = None,
                 first_name: str | None = None, username: str | None = None) -> dict[str, Any]:
        """Declare a chat (type, title/first_name) before or instead of pushing updates in it."""
        chat: dict[str, Any] = {"id": int(chat_id), "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name or self._users.get(int(chat_id), {}).get("first_name", "Test")
        else:
            chat["title"] = title or ("Test Group" if chat_type in ("group", "supergroup") else "Test Channel")
        if username:
            chat["username"] = username
        self._chats[int(chat_id)] = chat
        return dict(chat)

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The chat JSON the server uses for ``chat_id`` (remembered or defaulted)."""
        chat_id = int(chat_id)
        if chat_id not in self._chats:
            if chat_id > 0:
                user = self._users.get(chat_id, {})
                chat = {"id": chat_id, "type": "private", "first_name": user.get("first_name", "Test")}
                if user.get("username"):
                    chat["username"] = user["username"]
            else:
                chat = {"id": chat_id, "type": "supergroup", "title": "Test Group"}
            self._chats[chat_id] = chat
        return dict(self._chats[chat_id])

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message the server knows (pushed or sent by the bot), as JSON."""
        return self._messages.get((int(chat_id), int(message_id)))

    def delete_message(self, chat_id: int, message_id: int) -> None:
        """A user deletes a message: replies to it are refused from now on, as Telegram does,
        unless they allow sending without the reply."""
        self._messages.pop((int(chat_id), int(message_id)), None)

    def last_bot_message_id(self, chat_id: int) -> int | None:
        return self._last_bot_message.get(int(chat_id))

    def file_data(self, file_id: str) -> bytes | None:
        """The bytes stored under ``file_id`` (pushed with push_document or uploaded by the bot
        with sendDocument); None for an unknown file_id."""
        stored = self._files.get(file_id)
        return stored.data if stored is not None else None

    def add_file(self, data: bytes, file_name: str | None = None,
                 mime_type: str | None = None, *, kind: str = "document") -> dict[str, Any]:
        """Store bytes as a Telegram file and return its JSON (file_id, file_unique_id,
        file_name, mime_type, file_size), e.g. to build ``extra`` for push_message."""
        return self._file_json(self._store_file(data, file_name, mime_type, kind))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates(offset=...) or delivered to the webhook."""
        return list(self._pending)

    @property
    def webhook_url(self) -> str | None:
        return self._webhook["url"] if self._webhook else None

    # ----- error injection and overrides -----
    def fail_next(self, method: str, error_code: int, description: str | None = None,
                  parameters: dict[str, Any] | None = None, count: int | None = 1,
                  chat_id: int | None = None) -> None:
        """The next ``count`` calls of ``method`` (only those for ``chat_id`` if given) answer
        ``{"ok": false, "error_code": ..., "description": ..., "parameters": ...}`` with that HTTP
        status. ``count=None`` fails until ``clear_failures()``. A 429 without parameters gets
        ``{"retry_after": 1}`` like the real API always sends."""
        if description is None:
            description = default_description(error_code, parameters)
        if error_code == 429 and not parameters:
            parameters = {"retry_after": 1}
        self._fail_rules.append(FailRule(self._canonical.get(method.lower(), method),
                                          ApiError(error_code, description, parameters),
                                          count, chat_id))

    def clear_failures(self) -> None:
        self._fail_rules.clear()

    def on(self, method: str, impl: MethodImpl | None) -> None:
        """Replace the server's answer to ``method`` (also for methods it does not implement).
        ``impl(call)`` (sync or async) returns the ``result``, or raises ``ApiError``.
        ``impl=None`` restores the built-in behaviour."""
        method = self._canonical.get(method.lower(), method)
        if impl is None:
            self._overrides.pop(method, None)
        else:
            self._overrides[method] = impl

    # ----- inspecting calls -----
    def mark(self) -> int:
        """An index for ``wait_for(since=...)``: only calls recorded from now on."""
        return len(self.calls)

    def calls_to(self, method: str | Iterable[str], chat_id: Any = None, *,
                 include_failed: bool = True) -> list[Call]:
        methods = {method} if isinstance(method, str) else set(method)
        return [call for call in self.calls
                if call.method in methods
                and (chat_id is None or same_chat(call.params.get("chat_id"), chat_id))
                and (include_failed or not call.failed)]

    def sent_messages(self, chat_id: Any = None, *, include_failed: bool = False) -> list[Call]:
        """sendMessage and editMessageText calls (successful ones unless include_failed)."""
        return self.calls_to(("sendMessage", "editMessageText"), chat_id,
                             include_failed=include_failed)

    def sent_documents(self, chat_id: Any = None, *, include_failed: bool = False) -> list[Call]:
        """sendDocument calls (successful ones unless include_failed). For an upload,
        ``call.files["document"]`` is the UploadedFile (filename, content_type, data);
        ``call.result["document"]`` is the Document Telegram answered with."""
        return self.calls_to("sendDocument", chat_id, include_failed=include_failed)

    async def wait_for(self, method: str | Iterable[str],
                       predicate: Callable[[Call], bool] | None = None, timeout: float = 5.0, *,
                       chat_id: Any = None, since: int | None = None, consume: bool = True) -> Call:
        """The earliest recorded call of ``method`` (a name or several) with index >= ``since``
        (default 0) that matches ``chat_id``/``predicate`` and has not been returned by an earlier
        ``wait_for``; waits up to ``timeout`` seconds for it to arrive.

        Because returned calls are consumed, calling ``wait_for("sendMessage", chat_id=X)`` twice
        gives the first and then the second message to X. Pass ``since=server.mark()`` (taken
        before pushing) to ignore older calls, or ``consume=False`` to just peek.
        Raises ``WaitTimeout`` (an AssertionError) listing the recent calls.
        """
        methods = {method} if isinstance(method, str) else set(method)
        start = since or 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.calls[start:]:
                if (call.method in methods and call.index not in self._consumed
                        and (chat_id is None or same_chat(call.params.get("chat_id"), chat_id))
                        and (predicate is None or predicate(call))):
                    if consume:
                        self._consumed.add(call.index)
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(repr(c) for c in self.calls[-15:]) or "(none)"
                raise WaitTimeout(f"no {'/'.join(sorted(methods))} call"
                                  f"{f' to chat {chat_id}' if chat_id is not None else ''}"
                                  f" matched within {timeout}s; recent calls:\n  {recent}")
            event = self._call_event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def _record(self, call: Call) -> None:
        call.index = len(self.calls)
        self.calls.append(call)
        event, self._call_event = self._call_event, asyncio.Event()
        event.set()

    def _check_token(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.token.encode())

    async def _handle(self, method_name: str, params: dict[str, Any],
                      files: dict[str, UploadedFile], conn: Connection) -> tuple[int, dict[str, Any] | None]:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        method = self._canonical.get(method_name.lower(), method_name)
        call = Call(method=method, params=params, at=time.monotonic(), files=files)
        self._record(call)
        try:
            rule_error = self._take_fail_rule(call)
            if rule_error is not None:
                raise rule_error
            impl: Any = self._overrides.get(method)
            if impl is not None:
                result = impl(call)
            elif method in self._impls:
                result = self._impls[method](call, conn)
            else:
                raise ApiError(404, "Not Found: method not found")
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            call.failed = True
            call.error = error.body()
            self._record_changed()
            return error.error_code, call.error
        call.result = result
        self._record_changed()
        if result is GONE:
            return 200, None
        return 200, {"ok": True, "result": result}

    def _record_changed(self) -> None:
        # Wake waiters again: a predicate may look at call.failed/result that are now set.
        event, self._call_event = self._call_event, asyncio.Event()
        event.set()

    def _take_fail_rule(self, call: Call) -> ApiError | None:
        for rule in self._fail_rules:
            if rule.method != call.method:
                continue
            if rule.chat_id is not None and not same_chat(call.params.get("chat_id"), rule.chat_id):
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
            return rule.error
        return None

    def _get_me(self, call: Call, conn: Connection) -> dict[str, Any]:
        return dict(self.bot_user)
