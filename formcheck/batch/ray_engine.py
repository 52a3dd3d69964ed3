"""Running a batch on a Ray cluster (``pip install "formcheck[cluster]"``): one task per
video, on actors that each keep one ``Worker`` (so one pose model) for all their videos.

Ray is imported only here, and this module only when ``--engine ray`` asks for it. With
no address (``--address`` or ``RAY_ADDRESS``) a local Ray instance is started for the
batch and stopped after it. Videos and outputs are passed as paths: on a real cluster
they must be on storage that every node mounts at the same path.

A worker process that dies is restarted and its video tried again, up to
``MAX_RETRIES`` times; after that the video gets a failed row and the batch goes on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

from formcheck.batch.engines import MAX_RETRIES, OnFrames, OnRow, died
from formcheck.batch.index import Row
from formcheck.batch.plan import BatchSettings, VideoJob
from formcheck.batch.worker import Worker
from formcheck.core.errors import UsageError

ADDRESS_VAR = "RAY_ADDRESS"
LOOPBACK = "127.0.0.1"


class Analyst:
    """The actor: a ``Worker`` that outlives the videos it is given."""

    def __init__(self, settings: BatchSettings) -> None:
        self._worker = Worker(settings)

    def run(self, job: VideoJob) -> Row:
        return self._worker.run(job)

    def pid(self) -> int:
        return os.getpid()


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError('--engine ray needs Ray: pip install "formcheck[cluster]"') from None
    return ray


def _connect(ray: Any, address: str | None, workers: int | None) -> bool:
    """Connect to the cluster, or start a local instance; True if we started one."""
    address = address or os.environ.get(ADDRESS_VAR) or None
    options: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False}
    if address is None:
        # A local instance for this batch alone: on the loopback interface, not the network.
        ray.init(num_cpus=workers, _node_ip_address=LOOPBACK, **options)
        return True
    try:
        ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UsageError(f"cannot connect to the Ray cluster at {address}: {exc}") from None
    return False


def run_on_ray(
    jobs: Sequence[VideoJob],
    settings: BatchSettings,
    workers: int | None,
    address: str | None,
    on_row: OnRow,
    on_frames: OnFrames,
) -> None:
    """``workers`` actors (default: one per CPU of the cluster); frames are counted as
    each video finishes."""
    ray = _import_ray()
    started = _connect(ray, address, workers)
    try:
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=MAX_RETRIES)(Analyst)
        actors = [actor.remote(settings) for _ in range(min(count, len(jobs)))]
        queue = list(reversed(jobs))
        running: dict[Any, tuple[VideoJob, Any]] = {}

        def give(worker: Any) -> None:
            if queue:
                job = queue.pop()
                running[worker.run.remote(job)] = (job, worker)

        for worker in actors:
            give(worker)
        while running:
            [ref], _ = ray.wait(list(running), num_returns=1)
            job, worker = running.pop(ref)
            try:
                row = ray.get(ref)
            except ray.exceptions.RayError as exc:
                row = died(job, settings, f"its Ray worker failed {MAX_RETRIES + 1} times: {type(exc).__name__}")
            on_frames(job.frames)
            on_row(row)
            give(worker)
    finally:
        if started:
            ray.shutdown()
