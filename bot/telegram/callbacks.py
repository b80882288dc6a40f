"""Every inline button's callback data: typed, versioned, at most 64 bytes.

`kind + version + ":" + fields` (for example `a1:id:kitb-area`). Decoding never raises: data that is
forged, truncated, from a retired version or for an entry that no longer exists yields None, and the
handler answers politely. Buttons that must survive a restart (answers, topics, languages, teaching)
carry everything they need; confirmations carry a token of a waiting action, which a restart
forgets (the press is then answered "no longer waiting").
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields
from typing import ClassVar, TypeVar

from bot import LANGUAGES
from bot.i18n import _

STALE = _("This button no longer works. Please ask again.")     # the polite answer to any undecodable press
VERSION = "1"
MAX_BYTES = 64                          # Telegram's limit for callback_data
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
_TOKEN = re.compile(r"^[0-9a-f]{8}$")

B = TypeVar("B", bound="Button")


@dataclass(frozen=True)
class Button:
    KIND: ClassVar[str]
    LEGACY: ClassVar[bool] = False      # also accept the unversioned form sent before versions existed

    def encode(self) -> str:
        data = f"{self.KIND}{VERSION}:" + ":".join(_text(value) for value in astuple(self))
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def pattern(cls) -> str:
        """The regular expression a CallbackQueryHandler routes on (every version this code reads)."""
        return rf"^{cls.KIND}{VERSION if not cls.LEGACY else f'(?:{VERSION})?'}:"

    @classmethod
    def decode(cls: type[B], data: object) -> B | None:
        if not isinstance(data, str):
            return None
        head, sep, rest = data.partition(":")
        if not sep or head not in (cls.KIND + VERSION, cls.KIND if cls.LEGACY else None):
            return None
        names = [f.name for f in fields(cls)]
        parts = rest.split(":", len(names) - 1) if names else ([] if not rest else [rest])
        if len(parts) != len(names):
            return None
        try:
            button = cls(*(cls._parse(name, part) for name, part in zip(names, parts)))
        except ValueError:
            return None
        return button if button.valid() else None

    @classmethod
    def _parse(cls, name: str, text: str) -> object:
        return text

    def valid(self) -> bool:
        return True


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def _language(code: str) -> bool:
    return code in LANGUAGES


@dataclass(frozen=True)
class Answer(Button):
    """Show an entry's answer ("did you mean" choices, follow-ups)."""
    KIND = "a"
    LEGACY = True
    lang: str
    entry_id: str

    def valid(self) -> bool:
        return _language(self.lang) and bool(_ID.match(self.entry_id))


@dataclass(frozen=True)
class Topic(Button):
    """Show a topic's questions; an empty topic lists the topics."""
    KIND = "t"
    LEGACY = True
    lang: str
    topic: str

    def valid(self) -> bool:
        return _language(self.lang) and (self.topic == "" or bool(_ID.match(self.topic)))


@dataclass(frozen=True)
class UserLanguage(Button):
    KIND = "l"
    LEGACY = True
    lang: str

    def valid(self) -> bool:
        return _language(self.lang)


@dataclass(frozen=True)
class GroupLanguage(Button):
    KIND = "g"
    LEGACY = True
    lang: str

    def valid(self) -> bool:
        return _language(self.lang)


@dataclass(frozen=True)
class AnnouncementLanguages(Button):
    """A group's announcement languages, in order."""
    KIND = "sl"
    LEGACY = True
    languages: tuple[str, ...]

    @classmethod
    def _parse(cls, name: str, text: str) -> object:
        return tuple(text.split(","))

    def valid(self) -> bool:
        return bool(self.languages) and all(map(_language, self.languages)) and \
            len(set(self.languages)) == len(self.languages)


@dataclass(frozen=True)
class Decision(Button):
    """Confirm or cancel an action waiting under `token`."""
    KIND: ClassVar[str] = ""
    confirm: bool
    token: str

    @classmethod
    def _parse(cls, name: str, text: str) -> object:
        if name == "confirm":
            if text not in ("y", "n"):
                raise ValueError(text)
            return text == "y"
        return text

    def encode(self) -> str:
        return f"{self.KIND}{VERSION}:{'y' if self.confirm else 'n'}:{self.token}"

    def valid(self) -> bool:
        return bool(_TOKEN.match(self.token))


@dataclass(frozen=True)
class UploadDecision(Decision):
    KIND = "up"


@dataclass(frozen=True)
class AnnounceDecision(Decision):
    KIND = "an"


@dataclass(frozen=True)
class CancelAnnouncement(Button):
    KIND = "ac"
    announcement_id: int

    @classmethod
    def _parse(cls, name: str, text: str) -> object:
        if not text.isdigit():
            raise ValueError(text)
        return int(text)


@dataclass(frozen=True)
class Teach(Button):
    """Add the unanswered question logged as `row_id` (and its near-duplicates) to an entry's phrasings."""
    KIND = "k"
    row_id: int
    entry_id: str

    @classmethod
    def _parse(cls, name: str, text: str) -> object:
        if name == "row_id":
            if not text.isdigit():
                raise ValueError(text)
            return int(text)
        return text

    def valid(self) -> bool:
        return bool(_ID.match(self.entry_id))


@dataclass(frozen=True)
class EditEntry(Button):
    """✏️ under an answer, shown to bot administrators: edit this entry."""
    KIND = "ed"
    entry_id: str

    def valid(self) -> bool:
        return bool(_ID.match(self.entry_id))


STEP_ACTIONS = frozenset({"pick", "lang", "fact", "skip", "done", "keep", "zone", "allday", "remind", "part",
                          "drop", "install", "cancel"})
_STEP_VALUE = re.compile(r"^[A-Za-z0-9_.-]{0,40}$")


@dataclass(frozen=True)
class Step(Button):
    """A button inside /edit, /new or /event: `action` (one of STEP_ACTIONS) with its value (an entry
    id, a language, a fact, a zone, a reminder, a preview's token)."""
    KIND = "au"
    action: str
    value: str

    def valid(self) -> bool:
        return self.action in STEP_ACTIONS and bool(_STEP_VALUE.match(self.value))


ALL: tuple[type[Button], ...] = (Answer, Topic, UserLanguage, GroupLanguage, AnnouncementLanguages, UploadDecision,
                                 AnnounceDecision, CancelAnnouncement, Teach, EditEntry, Step)
