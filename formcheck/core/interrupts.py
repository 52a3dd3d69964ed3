"""Ctrl-C and SIGTERM as a request that the work loops answer between frames.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be when the
signal arrives. Inside the wait of a queue shared with a worker thread, an exception
raised while a lock is re-acquired can leave the queue's lock released by the wrong
thread or held by nobody, and the clean-up that then stops the worker waits for ever
(the likely cause of a CI run in which a recorded analysis, signalled while its
drawing thread was encoding, hung for a minute instead of exiting). So while
``stop_requests`` is active the handler only records the signal; the frame loops ask
the flag at a frame boundary, where no lock is held, and end (live) or raise (recorded
analysis) from there. A second signal raises at once, for someone who presses Ctrl-C
again because nothing seemed to happen.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from formcheck.core.errors import Terminated

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupt_for(signum: int) -> KeyboardInterrupt:
    """SIGTERM unwinds as ``Terminated``, Ctrl-C as ``KeyboardInterrupt``."""
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


class StopFlag:
    """Set by Ctrl-C or SIGTERM (or by ``set``); true once set, and it remembers which."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._signum = signal.SIGINT

    def set(self, signum: int = signal.SIGINT) -> None:
        self._signum = signum
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()

    def raise_if_set(self) -> None:
        """Unwind as the signal asked (``KeyboardInterrupt`` or ``Terminated``) if it came."""
        if self:
            raise _interrupt_for(self._signum)


@contextmanager
def stop_requests() -> Iterator[StopFlag]:
    """Ctrl-C and SIGTERM set the flag instead of interrupting; a second one interrupts
    at once. Outside the main thread (a web app's worker) no handler can be installed:
    the flag is then only set by ``set``."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        if flag:
            raise _interrupt_for(signum)
        flag.set(signum)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
