"""One malloc arena for the whole process, so that a long analysis stays small.

glibc gives each thread that allocates its own arena (up to eight per core), and an
arena keeps the pages it once used. formcheck's decode, pose, people-count and drawing
threads each grow one, so the same frames and model buffers end up held several times:
measured on a 24 s sample, the analysis peaked at 470 MiB with the default arenas and at
405 MiB with one, at the same speed (the threads allocate little once running; the
models allocate their buffers once).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

_M_ARENA_MAX = -8  # glibc's malloc.h


@cache
def _libc() -> ctypes.CDLL | None:
    """glibc, or None where there is none (macOS, musl: nothing here changes anything there)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@cache
def use_one_malloc_arena() -> bool:
    """Cap glibc's arenas at one (once per process); False where there is no glibc
    ``mallopt`` (macOS, musl), which changes nothing else."""
    libc = _libc()
    return libc is not None and bool(libc.mallopt(_M_ARENA_MAX, 1))


def release_free_memory() -> bool:
    """Give the memory malloc holds but nobody uses back to the system (glibc's
    ``malloc_trim``): a model's load frees its build buffers, but the pages stay
    resident, and the next load would add its own on top. Whether any was given back."""
    libc = _libc()
    return libc is not None and bool(libc.malloc_trim(0))
