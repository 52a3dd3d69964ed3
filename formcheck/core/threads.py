"""Pipeline stages on their own threads, joined by bounded queues.

Recorded analysis decodes (and looks at) the next frames while the pose model works on
this one, and runs the rules, then draws and encodes the annotated video, behind it:
OpenCV's decoder, MediaPipe's graph and FFmpeg's encoder release the GIL while they
work, so on two cores the stages overlap, and the model's thread waits for the model.
The queues are bounded so that a fast stage waits for a slow one instead of filling
memory with frames. A stage's exception is raised in the thread that uses the stage;
a consumer that stops early (an error, Ctrl-C) stops the stage's thread too.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

POLL_S = 0.1  # how often a blocked stage looks whether it has been stopped


@dataclass(frozen=True)
class _End:
    """The last item of a queue: the stage finished, or failed with ``error``."""

    error: BaseException | None = None


def _put(q: queue.Queue, item: object, stop: threading.Event) -> bool:
    """Put ``item``, waiting for room unless ``stop`` is set; whether it was put."""
    while not stop.is_set():
        try:
            q.put(item, timeout=POLL_S)
            return True
        except queue.Full:
            continue
    return False


class Prefetch(Generic[T]):
    """Iterates ``source`` on its own thread, at most ``depth`` items ahead of the reader."""

    def __init__(self, source: Iterable[T], depth: int, name: str = "prefetch") -> None:
        self._queue: queue.Queue = queue.Queue(depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(iter(source),), name=name, daemon=True)
        self._thread.start()

    def _run(self, source: Iterator[T]) -> None:
        try:
            for item in source:
                if not _put(self._queue, item, self._stop):
                    return
            _put(self._queue, _End(), self._stop)
        except BaseException as exc:  # handed to the reader, raised there
            _put(self._queue, _End(exc), self._stop)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # a generator's own clean-up (closing the video) runs here, in order

    def __iter__(self) -> Iterator[T]:
        try:
            while not isinstance(item := self._queue.get(), _End):
                yield item
            if item.error is not None:
                raise item.error
        finally:
            self.close()

    def close(self) -> None:
        """Stop reading ahead and wait for the thread to end."""
        self._stop.set()
        self._thread.join()


class Behind(Generic[T]):
    """Calls ``work(item)`` on its own thread for each item ``put``, at most ``depth``
    items behind the caller, in order."""

    def __init__(self, work: Callable[[T], None], depth: int, name: str = "behind") -> None:
        self._work = work
        self._queue: queue.Queue = queue.Queue(depth)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not isinstance(item := self._queue.get(), _End):
            if self._error is not None or self._stop.is_set():
                continue  # failed or stopped: drain, so that the caller never blocks
            try:
                self._work(item)
            except BaseException as exc:  # raised in the caller by the next put or finish
                self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, item: T) -> None:
        """Queue ``item``, waiting while ``depth`` items are queued; raises what an
        earlier ``work`` raised."""
        self._raise()
        self._queue.put(item)

    def finish(self) -> None:
        """Wait until every item is done; raises what ``work`` raised."""
        self._queue.put(_End())
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        """Drop the items still queued and wait for the one in hand (after ``finish``, nothing is left to drop)."""
        self._stop.set()
        self._queue.put(_End())
        self._thread.join()

    def __enter__(self) -> Behind[T]:
        return self

    def __exit__(self, _type: object, exc: BaseException | None, _tb: object) -> None:
        """A block that ends without ``finish`` (an error, Ctrl-C) stops the thread,
        dropping its queue; an error of ``work`` not raised yet becomes the context of
        the one that ended the block, so that neither is lost."""
        self.abort()
        if exc is not None and self._error is not None and exc.__context__ is None and exc is not self._error:
            exc.__context__ = self._error
