"""The pipeline's thread stages: order, bounded queues, errors raised where the stage is
used, and early stops that end the stage's thread and close its source."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from formcheck.core.threads import Behind, Prefetch


def test_prefetch_keeps_order_and_stays_within_its_depth() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in range(50):
            produced.append(i)
            yield i

    seen = []
    for item in Prefetch(source(), depth=3):
        time.sleep(0.002)
        seen.append(item)
        assert len(produced) - len(seen) <= 3 + 1  # the queue, plus the item being put
    assert seen == list(range(50))


def test_prefetch_raises_the_source_error_in_the_reader() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise ValueError("damaged frame")

    with pytest.raises(ValueError, match="damaged frame"):
        list(Prefetch(source(), depth=2))


def test_a_reader_that_stops_early_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.set()

    for item in Prefetch(source(), depth=2):
        if item == 3:
            break
    assert closed.wait(2.0)


def test_behind_works_in_order_and_waits_at_finish() -> None:
    done: list[int] = []
    stage = Behind(lambda i: (time.sleep(0.001), done.append(i)), depth=2)
    for i in range(30):
        stage.put(i)
    stage.finish()
    assert done == list(range(30))


def test_behind_raises_its_error_in_the_caller_and_never_blocks_it() -> None:
    def work(i: int) -> None:
        if i == 2:
            raise OSError("disk full")

    stage = Behind(work, depth=1)
    with pytest.raises(OSError, match="disk full"):
        for i in range(100):  # the failed stage keeps draining, so these puts return
            stage.put(i)
        stage.finish()


def _busy_stage() -> tuple[Behind[int], list[int]]:
    """A stage with five items queued and the first in hand, released 0.2 s from now."""
    done: list[int] = []
    started = threading.Event()
    release = threading.Event()

    def work(i: int) -> None:
        started.set()
        release.wait(2.0)
        done.append(i)

    stage = Behind(work, depth=5)
    for i in range(5):
        stage.put(i)
    assert started.wait(5.0)  # the first item is in hand before abort starts, however slow the machine
    threading.Timer(0.2, release.set).start()
    return stage, done


def test_an_aborted_behind_drops_what_is_queued() -> None:
    stage, done = _busy_stage()
    stage.abort()
    assert done == [0]


def test_a_behind_left_by_an_error_stops_its_thread() -> None:
    stage, done = _busy_stage()
    with pytest.raises(KeyboardInterrupt), stage:
        raise KeyboardInterrupt
    assert done == [0]  # the item in hand ends; the queued ones are dropped
    assert not stage._thread.is_alive()


def test_an_error_of_the_work_is_kept_when_another_ends_the_block() -> None:
    """The work failed, and before the caller's next ``put`` something else ended the
    block (the pose model, Ctrl-C): the work's error is that exception's context."""

    def fail(_: int) -> None:
        raise ValueError("rules failed")

    stage = Behind(fail, 2)
    stage.put(1)
    deadline = time.monotonic() + 5.0
    while stage._error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(RuntimeError) as raised, stage:
        raise RuntimeError("model failed")
    assert isinstance(raised.value.__context__, ValueError)
