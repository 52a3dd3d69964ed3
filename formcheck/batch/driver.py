"""The batch driver: plan the jobs, skip what an earlier run did, run the rest on the
chosen engine, and keep the index (and, when asked, the history) up to date as each
video finishes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from formcheck.batch.engine_kind import EngineKind
from formcheck.batch.engines import run_here, run_processes
from formcheck.batch.index import INDEX_CSV, Row, Status, read_index, write_index
from formcheck.batch.plan import BatchSettings, VideoJob, frame_count, plan_jobs
from formcheck.core.errors import BatchFailed, OutputError
from formcheck.core.files import check_writable
from formcheck.exercises.loader import load_exercise
from formcheck.history.store import record_report
from formcheck.offline.analyze import TRACK_SUFFIX
from formcheck.reports.model import CAUTION
from formcheck.reports.reader import load_report


@dataclass(frozen=True)
class BatchRun:
    """How to run a batch, besides what each video needs (``BatchSettings``)."""

    engine: EngineKind = EngineKind.LOCAL
    jobs: int | None = None  # local: processes (None: 1); ray: actors (None: one per CPU)
    address: str | None = None  # ray: the cluster (None: RAY_ADDRESS, else a local instance)
    force: bool = False  # redo videos an earlier run did
    quiet: bool = False  # no progress bar and no line per video
    history: Path | None = None  # record each video's session here (None: not at all)


def _prepare_folder(folder: Path | None) -> None:
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror}") from None
    check_writable(folder / INDEX_CSV)


def _is_done(job: VideoJob, earlier: Row | None, settings: BatchSettings) -> bool:
    """Whether an earlier run did this very work and its report is still there."""
    if earlier is None or earlier.key != job.key or not earlier.lasting:
        return False
    return earlier.status is Status.FAILED or job.output(settings.out_dir, ".json").is_file()


def _line(row: Row) -> str:
    if row.status is Status.FAILED:
        return f"failed  {row.file}: {row.error}"
    sides = f" (left {row.reps_left}, right {row.reps_right})" if row.reps_left is not None else ""
    return f"ok      {row.file}: {row.reps} reps{sides}, {row.holds} holds, {row.faults} faults"


class _Progress:
    """One bar for the whole batch: frames, with the videos done (and failed) beside."""

    def __init__(self, jobs: list[VideoJob], quiet: bool, out: TextIO) -> None:
        total = sum(j.frames for j in jobs)
        shown = not quiet and sys.stderr.isatty()
        self._bar = tqdm(total=total or None, unit="frame", disable=not shown, leave=False)
        self._videos, self._done, self._failed = len(jobs), 0, 0
        self._quiet, self._out = quiet, out
        self._describe()

    def _describe(self) -> None:
        failed = f", {self._failed} failed" if self._failed else ""
        self._bar.set_description(f"videos {self._done}/{self._videos}{failed}")

    def frames(self, n: int) -> None:
        self._bar.update(n)

    def row(self, row: Row) -> None:
        self._done += 1
        self._failed += row.status is Status.FAILED
        self._describe()
        if not self._quiet:
            self._bar.write(_line(row), file=self._out)

    def close(self) -> None:
        self._bar.close()


def _recorder(history: Path | None, frequency: str, settings: BatchSettings) -> Callable[[Row], None]:
    def record(row: Row) -> None:
        if history is None or row.status is not Status.OK:
            return
        report = load_report(settings.out_dir / f"{row.name}.json")
        kind = "track" if row.file.lower().endswith(TRACK_SUFFIX) else "file"
        record_report(report, frequency, history, kind, datetime.now(timezone.utc))

    return record


def run_batch(inputs: list[Path], settings: BatchSettings, run: BatchRun, out: TextIO) -> list[Row]:
    """Analyse every video of ``inputs``; returns the rows of this run (skipped ones
    left out). Raises ``BatchFailed`` at the end if any video failed."""
    exercise = load_exercise(settings.exercise)
    _prepare_folder(settings.out_dir)
    _prepare_folder(settings.tracks)
    jobs = plan_jobs(inputs, exercise, settings)
    index = read_index(settings.out_dir)
    todo = [
        replace(j, frames=frame_count(j.source) if j.sha256 else 0)
        for j in jobs
        if run.force or not _is_done(j, index.get(j.name), settings)
    ]
    print(f"Caution: {CAUTION}", file=out)
    print(f"{len(jobs)} videos: {len(todo)} to analyse, {len(jobs) - len(todo)} already done", file=out)
    rows: list[Row] = []
    record = _recorder(run.history, exercise.frequency, settings)
    progress = _Progress(todo, run.quiet, out)

    def finished(row: Row) -> None:
        index[row.name] = row
        write_index(settings.out_dir, index)
        record(row)
        rows.append(row)
        progress.row(row)

    try:
        if todo:
            _engine(run)(todo, settings, finished, progress.frames)
    finally:
        progress.close()
    failed = [r for r in index.values() if r.status is Status.FAILED and r.name in {j.name for j in jobs}]
    print(
        f"done: {len(rows)} analysed, {len(jobs) - len(todo)} skipped; index: {settings.out_dir / INDEX_CSV}", file=out
    )
    if failed:
        raise BatchFailed(
            f"{len(failed)} of {len(jobs)} videos failed; their errors are in {settings.out_dir / INDEX_CSV}"
        )
    return rows


def _engine(run: BatchRun) -> Callable[..., None]:
    """The engine as one call (jobs, settings, on_row, on_frames)."""
    if run.engine is EngineKind.RAY:
        from formcheck.batch.ray_engine import run_on_ray  # Ray is imported only when asked for

        return lambda jobs, settings, on_row, on_frames: run_on_ray(
            jobs, settings, run.jobs, run.address, on_row, on_frames
        )
    if (run.jobs or 1) > 1:
        return lambda jobs, settings, on_row, on_frames: run_processes(jobs, settings, run.jobs, on_row, on_frames)
    return run_here
