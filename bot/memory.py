"""Memory habits of the process: the garbage collector paused while large structures are built,
and large freed blocks handed back to the system. Ground: imports nothing of the project."""

import contextlib
import ctypes
import gc
import sys
from typing import Iterator


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


_M_MMAP_THRESHOLD = -3      # glibc's mallopt parameter
LARGE_BLOCK = 1 << 20       # bytes


def return_large_blocks() -> bool:
    """Have the C allocator give every block of `LARGE_BLOCK` bytes or more back to the system when
    it is freed (glibc; elsewhere nothing changes). True when set.

    By default glibc raises that threshold up to 32 MB as the process frees large blocks, so the
    indexing's temporary arrays (about 10 MB each on a 10,000-entry base) come to be allocated in,
    and freed into, a heap it does not give back: 80 MB of dead memory the process keeps for good.
    Fixed at 1 MB, the per-question arrays (a few hundred KB) still come from the heap."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK))
