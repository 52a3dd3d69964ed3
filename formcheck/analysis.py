"""Runs the pipeline over a recorded source:
source -> pose -> smoothing -> exercise rules -> events -> overlay / session.

A source is a video file or a recorded landmark track (``.npz``); a track skips the
pose model, so the same rules can be re-run in milliseconds.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

import cv2
import numpy as np
from tqdm import tqdm

from formcheck.evaluator import EngineParams, ExerciseEvaluator, FrameState
from formcheck.exercise import Exercise
from formcheck.frame import PoseFrame
from formcheck.overlay import Overlay
from formcheck.pose import PoseEstimator
from formcheck.session import Session
from formcheck.smoothing import LandmarkFilter, OneEuroSmoother
from formcheck.sources import SourceInfo, VideoFile
from formcheck.track import Track
from formcheck.video_out import AnnotatedVideoWriter

TRACK_SUFFIX = ".npz"
BLANK_GREY = 48


@dataclass
class AnalysisOptions:
    out_video: Optional[Path] = None
    progress: bool = False
    params: EngineParams = field(default_factory=EngineParams)


def _video_frames(path: Path, estimator_factory: Callable[[], PoseEstimator]) -> tuple[SourceInfo, Iterator[tuple[PoseFrame, Optional[np.ndarray]]]]:
    source = VideoFile(path)

    def frames() -> Iterator[tuple[PoseFrame, Optional[np.ndarray]]]:
        estimator = estimator_factory()
        try:
            with source:
                for vf in source.frames():
                    rgb = cv2.cvtColor(vf.image_bgr, cv2.COLOR_BGR2RGB)
                    yield estimator.estimate(rgb, vf.index, vf.timestamp_s), vf.image_bgr
        finally:
            estimator.close()

    return source.info, frames()


def _track_frames(path: Path) -> tuple[SourceInfo, Iterator[tuple[PoseFrame, Optional[np.ndarray]]]]:
    track = Track.load(path)
    info = SourceInfo(name=str(path), fps=track.fps, frame_count=len(track.t), size=track.image_size)
    return info, ((frame, None) for frame in track.frames())


def analyze(
    path: Path,
    exercise: Exercise,
    estimator_factory: Callable[[], PoseEstimator],
    options: AnalysisOptions | None = None,
    smoother: LandmarkFilter | None = None,
    on_state: Callable[[FrameState], None] | None = None,
) -> Session:
    """Analyse a whole recording and return the session (events and timeline)."""
    options = options or AnalysisOptions()
    if path.suffix.lower() == TRACK_SUFFIX:
        info, stream = _track_frames(path)
    else:
        info, stream = _video_frames(path, estimator_factory)
    smoother = smoother or OneEuroSmoother()
    evaluator = ExerciseEvaluator(exercise, options.params)
    overlay = Overlay(exercise, evaluator.measures) if options.out_video else None
    writer = AnnotatedVideoWriter(options.out_video, info.fps, info.size) if options.out_video else None
    session = Session(exercise, info)
    bar = tqdm(total=info.frame_count or None, unit="frame", disable=not options.progress or not sys.stderr.isatty(), leave=False)
    try:
        for pose, image in stream:
            state = evaluator.update(smoother.update(pose))
            session.add(state)
            if on_state is not None:
                on_state(state)
            if writer is not None and overlay is not None:
                canvas = image if image is not None else np.full((info.size[1], info.size[0], 3), BLANK_GREY, np.uint8)
                writer.write(overlay.annotate(canvas, state))
            bar.update(1)
        session.close(evaluator.finish())
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        bar.close()
    if writer is not None:
        writer.commit()
    return session
