"""Running a batch's jobs on this machine: in this process, or in ``jobs`` worker
processes that each keep one ``Worker`` (and so one pose model) for all their videos.

An engine calls ``on_row`` in the driver's process as each video finishes, in the order
they finish, and ``on_frames`` as frames are analysed, for the progress bar.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from queue import Empty
from typing import Any

from formcheck.batch.index import Row
from formcheck.batch.plan import BatchSettings, VideoJob
from formcheck.batch.worker import Worker
from formcheck.core.errors import ExitStatus

OnRow = Callable[[Row], None]
OnFrames = Callable[[int], None]
POLL_S = 0.2  # how often the driver looks at the workers' frame counts
MAX_RETRIES = 3  # times a video whose worker process died is tried again

_worker: Worker | None = None  # one per worker process
_ticks: Any = None  # the queue a worker process reports its frames on


def run_here(jobs: Sequence[VideoJob], settings: BatchSettings, on_row: OnRow, on_frames: OnFrames) -> None:
    """One video after another in this process."""
    worker = Worker(settings)
    try:
        for job in jobs:
            on_row(worker.run(job, on_frames))
    finally:
        worker.close()


def _start_worker(settings: BatchSettings, ticks: Any) -> None:
    global _worker, _ticks
    _worker, _ticks = Worker(settings), ticks


def _run_in_worker(job: VideoJob) -> Row:
    assert _worker is not None
    return _worker.run(job, _ticks.put)


def died(job: VideoJob, settings: BatchSettings, error: str) -> Row:
    """The row of a video whose worker process died under it (tried again on a rerun)."""
    return Row.failure(str(job.source), job.name, settings.exercise_id, error, ExitStatus.ERROR, job.key)


def run_processes(
    jobs: Sequence[VideoJob], settings: BatchSettings, workers: int, on_row: OnRow, on_frames: OnFrames
) -> None:
    """``workers`` processes, started fresh ('spawn': MediaPipe's threads do not survive
    a fork), each analysing one video at a time. A worker that dies breaks the pool: the
    videos it left unfinished go to a new pool, up to ``MAX_RETRIES`` times."""
    todo = list(jobs)
    for attempt in range(MAX_RETRIES + 1):
        todo = _pool_round(todo, settings, workers, on_row, on_frames, last=attempt == MAX_RETRIES)
        if not todo:
            return


def _pool_round(
    jobs: Sequence[VideoJob], settings: BatchSettings, workers: int, on_row: OnRow, on_frames: OnFrames, last: bool
) -> list[VideoJob]:
    """One pool over ``jobs``; returns those a dying worker left unfinished (on the
    ``last`` round, they get failed rows instead)."""
    context = multiprocessing.get_context("spawn")
    ticks = context.Queue()
    unfinished: list[VideoJob] = []
    with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(settings, ticks)) as pool:
        pending: dict[Future[Row], VideoJob] = {pool.submit(_run_in_worker, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            _drain(ticks, on_frames)
            for future in done:
                job = pending.pop(future)
                try:
                    on_row(future.result())
                except BrokenProcessPool:
                    if last:
                        on_row(
                            died(
                                job,
                                settings,
                                f"its worker process died {MAX_RETRIES + 1} times (killed, or out of memory?)",
                            )
                        )
                    else:
                        unfinished.append(job)
    _drain(ticks, on_frames)
    return unfinished


def _drain(ticks: Any, on_frames: OnFrames) -> None:
    while True:
        try:
            on_frames(ticks.get_nowait())
        except Empty:
            return
