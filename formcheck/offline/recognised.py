"""Recorded analysis with recognition: one pose pass, every exercise's rules on it, then
the chosen exercise counted from the same poses (``formcheck analyze`` without -e, and
the warning when -e names an exercise the video does not show)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from formcheck.core.errors import NoPoseError
from formcheck.engine.evaluator import FrameState
from formcheck.engine.session import Session
from formcheck.exercises.loader import load_all
from formcheck.exercises.schema import Exercise
from formcheck.offline.analyze import TRACK_SUFFIX, AnalysisOptions, analyze, track_video
from formcheck.pose import PoseEstimator
from formcheck.recognition import Recognition, ScoreParams, collect_evidence, recognise
from formcheck.reports import model
from formcheck.reports.report import build_report, unrecognised_report
from formcheck.sources.track import Track

AUTO = "auto"  # the exercise "name" that asks for recognition


def pose_pass(path: Path, estimator_factory: Callable[[], PoseEstimator], backend: str, progress: bool) -> Track:
    """The video's poses, once (a recorded track is read as it is)."""
    if path.suffix.lower() == TRACK_SUFFIX:
        return Track.load(path)
    estimator = estimator_factory()
    try:
        return track_video(path, estimator, backend, progress=progress)
    finally:
        estimator.close()


def candidates(asked: Exercise | None = None) -> list[Exercise]:
    """The bundled exercises, and an exercise file given by path that is not one of them."""
    known = load_all()
    if asked is not None and asked.id not in {ex.id for ex in known}:
        known.append(asked)
    return known


def recognise_track(track: Track, mirrored: bool = False, asked: Exercise | None = None) -> Recognition:
    """Which exercise the whole track shows (or none)."""
    return recognise(collect_evidence(track.frames(), candidates(asked), mirrored))


def mismatch_note(recognition: Recognition, asked: Exercise, params: ScoreParams | None = None) -> str | None:
    """What to say when ``-e`` names an exercise the video does not look like: only when
    the asked one scores below the recognition threshold itself (a cat-cow flow looks
    like both, and naming either is right)."""
    params = params or ScoreParams()
    asked_score = next((s for ex, s in recognition.scores if ex.id == asked.id), 0.0)
    if asked_score >= params.none_below or not asked.recognition.auto:
        return None
    if recognition.exercise is not None:
        return f"This looks like {recognition.exercise.name}, not {asked.name}"
    return f"This does not look like {asked.name}"


def _found(recognition: Recognition) -> model.Recognition:
    """What the report says recognition found: the exercise, how sure, every score (to 0.01)."""
    return model.Recognition(
        exercise=recognition.exercise.id if recognition.exercise else None,
        confidence=round(recognition.confidence, 2),
        alternatives=[
            model.Alternative(exercise=ex.id, name=ex.name, score=round(s, 2)) for ex, s in recognition.scores
        ],
    )


@dataclass
class Outcome:
    """A recorded analysis: the session (None when no known exercise was recognised) and its report."""

    session: Session | None
    report: model.Report


def analyze_recognised(
    path: Path,
    asked: Exercise | None,
    estimator_factory: Callable[[], PoseEstimator],
    backend_label: str,
    options: AnalysisOptions,
    on_state: Callable[[FrameState], None] | None = None,
) -> Outcome:
    """One pose pass, recognition on it, then the exercise asked for (or recognised)
    counted from the same poses; with ``asked``, a note when the video does not look like it."""
    track = pose_pass(path, estimator_factory, backend_label, options.progress)
    if not np.isfinite(track.xy).all(axis=(1, 2)).any():
        raise NoPoseError(f"no person found in {path}: is the whole body in view?")
    recognition = recognise_track(track, options.mirrored, asked)
    exercise = asked or recognition.exercise
    if exercise is None:
        seen = int(np.isfinite(track.xy).all(axis=(1, 2)).sum())
        duration = float(track.t[-1] - track.t[0])
        report = unrecognised_report(str(path), track.fps, len(track.t), seen, duration, list(track.notes))
        return Outcome(None, report.with_recognition(_found(recognition)))
    note = mismatch_note(recognition, asked) if asked is not None else None
    session = analyze(path, exercise, estimator_factory, replace(options, track=track, notice=note or ""), on_state)
    if note:
        session.notes.append(note)
    report = build_report(session)
    return Outcome(session, report.with_recognition(_found(recognition)) if asked is None else report)
