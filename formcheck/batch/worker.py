"""One video of a batch, in whatever process runs it: analyse, write its outputs,
return its index row. A failure becomes a row too, so the batch goes on.

A worker loads the exercise once and the pose model at its first video, then resets the
model between videos (``PoseEstimator.reset``): loading it costs more than analysing a
short clip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.batch.index import Row
from formcheck.batch.plan import BatchSettings, VideoJob
from formcheck.core.errors import ExitStatus, FormcheckError, InputError, NoPoseError
from formcheck.core.frame import PoseFrame
from formcheck.engine.evaluator import FrameState
from formcheck.engine.session import Session
from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import TRACK_SUFFIX, AnalysisOptions, analyze
from formcheck.offline.recognised import Watch, both, mismatch_note
from formcheck.pose import PoseEstimator, create_estimator
from formcheck.reports.model import Report
from formcheck.reports.report import build_report
from formcheck.reports.writers import FORMATS, JSON, VIDEO, OutputRequest, write_outputs
from formcheck.sources.track import Track

FRAMES_PER_TICK = 10  # progress is reported in steps of this many frames

FrameTicks = Callable[[int], None]


class _Reused:
    """The worker's estimator as one analysis sees it: closing it only resets it."""

    def __init__(self, estimator: PoseEstimator) -> None:
        self._estimator = estimator

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        return self._estimator.estimate(image_rgb, index, timestamp_s)

    def reset(self) -> None:
        self._estimator.reset()

    def close(self) -> None:
        self._estimator.reset()


def _ticker(on_frames: FrameTicks | None) -> Callable[[FrameState], None] | None:
    if on_frames is None:
        return None
    seen = [0]

    def tick(_: FrameState) -> None:
        seen[0] += 1
        if seen[0] % FRAMES_PER_TICK == 0:
            on_frames(FRAMES_PER_TICK)

    return tick


class Worker:
    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.exercise = load_exercise(settings.exercise)
        self._model: PoseEstimator | None = None  # loaded at the first video that needs it

    def _pose_model(self) -> PoseEstimator:
        if self._model is None:
            self._model = create_estimator(self.settings.backend, self.settings.model)
        return _Reused(self._model)

    def close(self) -> None:
        if self._model is not None:
            self._model.close()

    def run(self, job: VideoJob, on_frames: FrameTicks | None = None) -> Row:
        """The job's row; its outputs are written (atomically) before it returns."""
        try:
            report = self._analyze(job, on_frames)
        except FormcheckError as exc:
            return Row.failure(str(job.source), job.name, self.settings.exercise_id, str(exc), exc.status, job.key)
        except Exception as exc:  # a bug on one video must not end the batch: its row says so
            message = f"internal error: {type(exc).__name__}: {exc}"
            return Row.failure(str(job.source), job.name, self.settings.exercise_id, message, ExitStatus.ERROR, job.key)
        return Row.from_report(str(job.source), job.name, report, job.key)

    def _requests(self, job: VideoJob) -> tuple[OutputRequest, Path | None]:
        folder, wanted = self.settings.out_dir, self.settings.outputs
        request = OutputRequest.of(
            wanted.frames,
            **{f.name: job.output(folder, f.suffix) for f in FORMATS if f is JSON or getattr(wanted, f.name)},
        )
        return request, job.output(folder, VIDEO.suffix) if wanted.video else None

    def _saved_track(self, job: VideoJob) -> Path | None:
        """The kept track of this very video by this very pose backend, if there is one."""
        path = self._track_path(job)
        if path is None or not path.is_file() or not job.sha256:
            return None
        try:
            track = Track.load(path)
        except InputError:
            return None  # damaged: made again
        return path if (track.backend, track.source_sha256) == (self.settings.backend_label, job.sha256) else None

    def _track_path(self, job: VideoJob) -> Path | None:
        if self.settings.tracks is None or job.source.suffix.lower() == TRACK_SUFFIX:
            return None
        return job.output(self.settings.tracks, TRACK_SUFFIX)

    def _analyze(self, job: VideoJob, on_frames: FrameTicks | None) -> Report:
        request, out_video = self._requests(job)
        if not job.source.exists():
            raise InputError(f"video not found: {job.source}")
        job.output(self.settings.out_dir, JSON.suffix).parent.mkdir(parents=True, exist_ok=True)
        with request.plan([job.source, self.settings.model], out_video).run() as plan:
            # A video output needs the pictures: such a run reads the video, not the track.
            saved = self._saved_track(job) if out_video is None else None
            track_path = self._track_path(job)
            poses: list[PoseFrame] | None = [] if saved is None else None  # for the track kept and the check below
            keyframes = request.keyframe_collector(self.exercise)
            # As 'formcheck analyze -e X' does: say when the video does not look like X.
            with Watch(self.exercise) as watch:
                session = analyze(
                    saved or job.source,
                    self.exercise,
                    self._pose_model,
                    AnalysisOptions(
                        out_video=plan.stage(out_video) if out_video else None,
                        out_video_name=out_video,
                        keyframes=keyframes,
                        poses=poses,
                        mirrored=self.settings.mirrored,
                        notice=watch.notice,
                    ),
                    on_state=both(_ticker(on_frames), watch),
                )
                track = Track.load(saved) if saved is not None else self._track_of(job, session, poses or [])
                if saved is None and track_path is not None:
                    self._keep_track(track, track_path)
                if session.frames_with_pose == 0:
                    raise NoPoseError(f"no person found in {job.source}: is the whole body in view?")
                note = mismatch_note(watch.finish(), self.exercise)
            if note:
                session.notes.append(note)
            session.source = replace(session.source, name=str(job.source))  # a kept track stands for its video
            report = build_report(session)
            write_outputs(session, report, request, keyframes, plan)
        return report

    def _track_of(self, job: VideoJob, session: Session, poses: list[PoseFrame]) -> Track:
        """The pose model's frames of this analysis, as the track a batch keeps."""
        return Track.from_frames(
            poses, str(job.source), session.source.fps, self.settings.backend_label, job.sha256, tuple(session.notes)
        )

    def _keep_track(self, track: Track, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        track.save(path)
