"""Sahabat: answers questions about the Central Java – Chungcheongbuk-do partnership."""

import contextlib
import gc
from typing import Iterator

LANGUAGES = ("id", "ko", "en")
MESSAGE_LIMIT = 4096       # characters in one Telegram message: longer replies are split, answers warned about


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large, long-lived structures (a knowledge
    base, an index): it would scan them again and again and find nothing to free. Loading a
    10,000-entry base takes half the time without it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
