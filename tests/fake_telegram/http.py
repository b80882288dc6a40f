"""tornado plumbing: the /bot<token>/<method> and /file/bot<token>/<path> routes, with no token in any log."""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

import tornado.web

from tests.fake_telegram.records import Connection, UploadedFile
from tests.fake_telegram.wire import decode_param

if TYPE_CHECKING:
    from tests.fake_telegram.server import FakeTelegram

_log = logging.getLogger("fake_telegram")


def _redacted_access_log(handler: tornado.web.RequestHandler) -> None:
    """tornado's access log without the token (the path is /bot<token>/<method>)."""
    if not _log.isEnabledFor(logging.DEBUG):
        return
    path = re.sub(r"^/(file/)?bot[^/]+", lambda m: f"/{m.group(1) or ''}bot<token>", handler.request.path)
    _log.debug("%d %s %s %.1fms", handler.get_status(), handler.request.method, path,
               1000.0 * handler.request.request_time())


class _BaseHandler(tornado.web.RequestHandler):
    def initialize(self, server: FakeTelegram) -> None:  # type: ignore[override]
        self.server = server
        self.conn = Connection()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:  # no URI → no token
        _log.error("FakeTelegram: error while handling %s", type(value).__name__,
                   exc_info=(typ, value, tb))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self._json(status_code, {"ok": False, "error_code": status_code,
                                 "description": self._reason or "Internal Server Error"})

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _BotHandler(_BaseHandler):
    def on_connection_close(self) -> None:
        self.conn.gone = True
        self.server._notify_updates()

    async def get(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def _serve(self, token: str, method: str) -> None:
        if not self.server._check_token(token):
            self.server.unauthorized_requests += 1
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params, files = self._params()
        status, body = await self.server._handle(method, params, files, self.conn)
        if body is None or self.conn.gone:
            return
        self._json(status, body)

    def _params(self) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = {}
        for name, values in self.request.query_arguments.items():
            raw[name] = values[-1].decode("utf-8", "replace")
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            try:
                body = json.loads(self.request.body)
            except ValueError:
                body = None
            if isinstance(body, dict):
                raw.update(body)
        else:
            for name, values in self.request.body_arguments.items():
                raw[name] = values[-1].decode("utf-8", "replace")
        files = {name: UploadedFile(parts[-1].filename, parts[-1].content_type, parts[-1].body)
                 for name, parts in self.request.files.items() if parts}
        params = {name: decode_param(name, value) for name, value in raw.items()}
        for name, upload in files.items():
            params.setdefault(name, upload)
        return params, files


class _FileHandler(_BaseHandler):
    async def get(self, token: str, path: str) -> None:
        if not self.server._check_token(token):
            self.server.unauthorized_requests += 1
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        stored = self.server._file_for_path(path)
        if stored is None or stored.data is None:
            self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.server.file_downloads.append(path)
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.data)


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))

