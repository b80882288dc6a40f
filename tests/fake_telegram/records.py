"""What the server records and keeps: calls, uploads, webhook deliveries, errors, stored files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


# --- records --------------------------------------------------------------------------------
@dataclass
class UploadedFile:
    """A multipart file part (its field name is the key in ``Call.files``)."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One Bot API request as the server saw it.

    ``at`` is ``time.monotonic()`` on arrival. ``failed`` is True when the server answered with an
    error (injected or real); ``error`` then holds the error body, otherwise ``result`` holds what
    was returned.
    """

    method: str
    params: dict[str, Any]
    at: float
    index: int = -1
    failed: bool = False
    error: dict[str, Any] | None = None
    result: Any = None
    files: dict[str, UploadedFile] = field(default_factory=dict)

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def reply_markup(self) -> Any:
        return self.params.get("reply_markup")

    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons of ``reply_markup``, row after row (empty if none)."""
        markup = self.params.get("reply_markup")
        if not isinstance(markup, dict):
            return []
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def __repr__(self) -> str:  # short, readable in assertion messages
        state = f" FAILED {self.error.get('error_code')}" if self.failed and self.error else ""
        return f"Call(#{self.index} {self.method} {self.params!r}{state})"


@dataclass
class WebhookDelivery:
    update_id: int
    status: int  # HTTP status, 599 for a connection error
    at: float


class ApiError(Exception):
    """Raise from a method implementation or a ``server.on`` override to answer with an error."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code,
                                "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class WaitTimeout(AssertionError):
    """``wait_for`` saw no matching call in time."""


@dataclass
class FailRule:
    method: str
    error: ApiError
    remaining: int | None  # None: until cleared
    chat_id: Any = None


class Connection:
    """Per-request state the long poll needs: did the client go away?"""

    __slots__ = ("gone",)

    def __init__(self) -> None:
        self.gone = False


class Poll:
    __slots__ = ("terminated",)

    def __init__(self) -> None:
        self.terminated = False


@dataclass
class StoredFile:
    """A file the server holds: pushed by a user or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    data: bytes | None          # None: sent by URL, the server never had the bytes
    file_name: str | None
    mime_type: str | None
    kind: str = "document"
    file_path: str | None = None  # assigned by the first getFile, like Telegram does


GONE = object()  # the client closed the connection of a long poll


def member_json(user: dict[str, Any], status: str, fields: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False, is_anonymous=False, can_manage_chat=True,
            can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
            can_promote_members=False, can_change_info=True, can_invite_users=True,
            can_post_stories=False, can_edit_stories=False, can_delete_stories=False,
            can_pin_messages=True, can_manage_topics=False)
    elif status == "restricted":
        member.update(
            is_member=True, can_change_info=False, can_invite_users=False, can_pin_messages=False,
            can_send_messages=False, can_send_polls=False, can_send_other_messages=False,
            can_add_web_page_previews=False, can_manage_topics=False, until_date=0,
            can_send_audios=False, can_send_documents=False, can_send_photos=False,
            can_send_videos=False, can_send_video_notes=False, can_send_voice_notes=False,
            can_edit_tag=False, can_react_to_messages=False)
    elif status == "kicked":
        member["until_date"] = 0
    member.update(fields)
    return member


def default_description(error_code: int, parameters: dict[str, Any] | None) -> str:
    if error_code == 429:
        retry = (parameters or {}).get("retry_after", 1)
        return f"Too Many Requests: retry after {retry}"
    if parameters and "migrate_to_chat_id" in parameters:
        return "Bad Request: group chat was upgraded to a supergroup chat"
    return {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
            404: "Not Found", 409: "Conflict", 500: "Internal Server Error",
            502: "Bad Gateway"}.get(error_code, "Error")
