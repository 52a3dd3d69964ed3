"""Uploaded videos analysed in the background, one at a time, with their progress.

Each upload is written to its own folder inside the app's private temporary folder
(mode 0700), analysed by ``formcheck.offline.analyze`` exactly as ``formcheck analyze``
does, and deleted when the analysis ends unless the user asked to keep it (then it is
moved to the ``uploads`` folder beside the history database). The outputs (JSON, HTML,
CSV, the annotated video as WebM, which browsers play) stay in the private folder until
the app stops.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from formcheck.core.errors import FormcheckError, NoPoseError
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.schema import Exercise
from formcheck.history.store import record_session
from formcheck.offline.analyze import AnalysisOptions, analyze
from formcheck.pose import PoseEstimator
from formcheck.reports.keyframes import KeyFrameCollector
from formcheck.reports.model import Report
from formcheck.reports.report import build_report
from formcheck.reports.writers import OutputRequest, write_outputs
from formcheck.sources.video import VideoFile

# The files a finished analysis offers, by the name the API serves them under.
OUTPUTS = {"report.json": "report", "report.html": "html", "frames.csv": "csv", "video.webm": "video"}


class Status(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    id: str
    exercise: Exercise
    name: str  # the uploaded file's own name (what reports and errors call it)
    folder: Path
    keep: bool
    mirrored: bool = False  # a selfie-mirrored recording: sides are swapped back
    status: Status = Status.QUEUED
    progress: float = 0.0
    report: Report | None = None
    error: str | None = None
    kept_as: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def upload(self) -> Path:
        return self.folder / self.name

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status.value, "progress": round(self.progress, 3)}
        if self.report is not None:
            out["report"] = self.report.to_json()
            out["files"] = {name: f"/api/analyses/{self.id}/{name}" for name in self.files}
        if self.error is not None:
            out["error"] = self.error
        if self.kept_as is not None:
            out["kept_as"] = str(self.kept_as)
        return out


def safe_name(filename: str) -> str:
    """The upload's base name without any folder part, never empty or hidden."""
    name = Path(filename.replace("\\", "/")).name.lstrip(".")
    return name or "upload"


class Analyses:
    """The upload queue: jobs by id, run on one worker thread (the pose model is CPU-bound)."""

    def __init__(
        self,
        workdir: Path,
        estimator_factory: Callable[[], PoseEstimator],
        history: Path | None,
        keep_dir: Path,
    ) -> None:
        self.workdir = workdir
        self.estimator_factory = estimator_factory
        self.history = history
        self.keep_dir = keep_dir
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formcheck-analysis")

    def new_job(self, exercise: Exercise, filename: str, keep: bool, mirrored: bool = False) -> Job:
        """A job with a private folder to write the upload into (``job.upload``)."""
        job_id = uuid.uuid4().hex
        folder = self.workdir / job_id
        folder.mkdir(mode=0o700)
        job = Job(job_id, exercise, safe_name(filename), folder, keep, mirrored)
        with self._lock:
            self.jobs[job_id] = job
        return job

    def submit(self, job: Job) -> None:
        self._pool.submit(self._run, job)

    def fail(self, job: Job, message: str) -> None:
        """An upload refused before analysis (e.g. too large): the job says why."""
        job.status, job.error = Status.FAILED, message
        job.upload.unlink(missing_ok=True)

    def _run(self, job: Job) -> None:
        job.status = Status.RUNNING
        try:
            self._analyse(job)
            job.status = Status.DONE
        except FormcheckError as exc:
            job.error = " ".join(str(exc).replace(str(job.folder) + "/", "").splitlines())
            job.status = Status.FAILED
        except Exception as exc:  # a bug: the page says so in one line, the server goes on
            job.error = f"internal error: {type(exc).__name__}: {exc}"
            job.status = Status.FAILED
        finally:
            self._dispose_upload(job)

    def _analyse(self, job: Job) -> None:
        started = datetime.now(timezone.utc)
        outputs = OutputRequest.of(
            report=job.folder / "report.json",
            html=job.folder / "report.html",
            csv=job.folder / "frames.csv",
            frames=True,
        )
        video = job.folder / "video.webm"
        keyframes = KeyFrameCollector(job.exercise)

        with VideoFile(job.upload) as probe:  # the frame count, for the progress bar
            total = probe.info.frame_count

        def progress(state: FrameState) -> None:
            job.progress = min(state.frame.index + 1, total) / total if total else 0.0

        with outputs.plan([job.upload], video).run() as plan:  # all written together, on success only
            session = analyze(
                job.upload,
                job.exercise,
                self.estimator_factory,
                AnalysisOptions(
                    out_video=plan.stage(video), out_video_name=video, keyframes=keyframes, mirrored=job.mirrored
                ),
                on_state=progress,
            )
            if session.frames_with_pose == 0:
                raise NoPoseError(f"no person found in {job.name}: is the whole body in view?")
            session.source = replace(session.source, name=job.name)
            report = build_report(session)
            write_outputs(session, report, outputs, keyframes, plan)
        job.files = {name: job.folder / name for name in OUTPUTS}
        job.progress, job.report = 1.0, report
        if self.history is not None:
            record_session(session, report, self.history, "upload", started)

    def _dispose_upload(self, job: Job) -> None:
        """Delete the upload, or move it to the kept uploads when the user asked."""
        if not job.upload.exists():
            return
        if job.keep and job.status is Status.DONE:
            self.keep_dir.mkdir(parents=True, exist_ok=True)
            job.kept_as = self.keep_dir / f"{job.id[:8]}-{job.name}"
            shutil.move(str(job.upload), job.kept_as)
        else:
            job.upload.unlink()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
