"""Recorded analysis with recognition (``formcheck analyze`` without -e, and the warning
when -e names an exercise the video does not show), from one pass of the pose model.

With ``-e X`` the analysis runs as it always did (decoding ahead, ``--stride``, the
annotated video drawn behind) and every exercise's rules follow the frames it
evaluates, so the note can be said on the overlay once the video so far shows it.
Without ``-e`` the pose pass comes first, its poses are kept, the exercise is recognised
from them and counted from the same poses; only an annotated video needs the pictures
decoded again (not the pose model run again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from formcheck.core.errors import NoPoseError
from formcheck.core.threads import Behind
from formcheck.engine.evaluator import EngineParams, FrameState
from formcheck.engine.session import Session
from formcheck.exercises.loader import load_all
from formcheck.exercises.schema import Exercise
from formcheck.offline.analyze import AnalysisOptions, FoundPoses, analyze, pose_pass
from formcheck.offline.kept_poses import KeptPoses
from formcheck.pose import PoseEstimator
from formcheck.recognition import (
    Evidence,
    EvidenceCollector,
    EvidenceStream,
    Recognition,
    ScoreParams,
    collect_evidence,
    recognise,
)
from formcheck.recognition.segments import Span, find_segments
from formcheck.reports import model
from formcheck.reports.report import build_report, unrecognised_report
from formcheck.sources.track import Track

#: Frames the rules may lag behind the pose model: a slow stretch of rules (a check)
#: does not hold the model up; poses are small.
RULES_BEHIND = 64
CHECK_EVERY_S = 5.0  # how often (video time) the overlay's note is reconsidered
#: A video that fits no exercise is said not to look like the one asked only after this
#: long (set-up time fits none, even in a video of the right exercise).
NOT_LIKE_AFTER_S = 30.0


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


class Watch:
    """Every exercise's rules on the frames an analysis of ``asked`` evaluates (already
    smoothed and mirrored by its pipeline), and the note the video so far calls for.

    The note is reconsidered every ``CHECK_EVERY_S`` of video: "looks like X" as soon
    as another exercise is recognised, "does not look like" only after
    ``NOT_LIKE_AFTER_S``. The report's note is the whole video's (``finish``).

    The rules run on their own thread, behind the analysis (``core/threads.Behind``):
    the pose model releases the GIL while it works, so on two cores their time mostly
    hides in the model's. The asked exercise's own rules are not run again: the
    analysis's states of it are used (``shared``: the analysis runs them with the
    default ``EngineParams``, as the watch runs the others). Used as a context manager,
    whose end stops the thread."""

    def __init__(self, asked: Exercise, shared: bool = True) -> None:
        self.asked = asked
        exercises = candidates(asked)
        # (an exercise file named like a bundled one but not the same is not the one watched)
        given = next((ex for ex in exercises if ex == asked), None) if shared else None
        self.collector = EvidenceCollector(exercises, given=given)
        self.note = ""  # set on the watch's thread, read on the analysis's (one reference: atomic)
        self._next_check = CHECK_EVERY_S
        self._behind: Behind[FrameState] = Behind(self._update, RULES_BEHIND, "recognition")

    def __call__(self, state: FrameState) -> None:
        self._behind.put(state)

    def _update(self, state: FrameState) -> None:
        self.collector.update(state.frame, state)
        if state.t < self._next_check:
            return
        self._next_check = state.t + CHECK_EVERY_S
        verdict = recognise(self.collector.so_far())
        note = mismatch_note(verdict, self.asked) or ""
        self.note = note if verdict.exercise is not None or state.t >= NOT_LIKE_AFTER_S else ""

    def notice(self) -> str:
        return self.note

    def finish(self) -> Recognition:
        self._behind.finish()
        return recognise(self.collector.finish())

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *_: object) -> None:
        """Ends the thread if ``finish`` did not (an error in the analysis)."""
        self._behind.abort()


@dataclass
class Outcome:
    """A recorded analysis: the session (None when no known exercise was recognised, or
    several were) and its report; a routine recording has one session per segment."""

    session: Session | None
    report: model.Report
    parts: list[Session] = field(default_factory=list)


def both(*calls: Callable[[FrameState], None] | None) -> Callable[[FrameState], None]:
    """One ``on_state`` that calls each of these (None: left out)."""

    def call(state: FrameState) -> None:
        for c in calls:
            if c is not None:
                c(state)

    return call


def analyze_asked(
    path: Path,
    asked: Exercise,
    estimator_factory: Callable[[], PoseEstimator],
    options: AnalysisOptions,
    on_state: Callable[[FrameState], None] | None = None,
) -> Outcome:
    """``analyze -e X``: the analysis as always, plus a note when the video does not look like X."""
    with Watch(asked, shared=options.params == EngineParams()) as watch:
        session = analyze(path, asked, estimator_factory, replace(options, notice=watch.notice), both(on_state, watch))
        if session.frames_with_pose == 0:
            raise NoPoseError(f"no person found in {path}: is the whole body in view?")
        note = mismatch_note(watch.finish(), asked)
    if note:
        session.notes.append(note)
    return Outcome(session, build_report(session))


def analyze_recognised(
    path: Path,
    asked: Exercise | None,
    estimator_factory: Callable[[], PoseEstimator],
    options: AnalysisOptions,
    on_state: Callable[[FrameState], None] | None = None,
) -> Outcome:
    """The exercise asked for, or else the one recognised from one pose pass, counted."""
    if asked is not None:
        return analyze_asked(path, asked, estimator_factory, options, on_state)
    # Every exercise's rules on their own thread, behind the pose pass (see ``Watch``).
    stream = EvidenceStream(candidates(), options.mirrored, options.params)
    with Behind(stream.update, RULES_BEHIND, "recognition") as rules:
        found = pose_pass(path, estimator_factory, options, rules.put)
        rules.finish()
    if not found.poses.with_person:
        raise NoPoseError(f"no person found in {path}: is the whole body in view?")
    evidence = stream.finish()
    recognition = recognise(evidence)
    spans = find_segments(evidence)
    if len(spans) > 1:
        return _segmented(path, found, evidence, spans, estimator_factory, options, on_state)
    if recognition.exercise is None:
        return Outcome(None, _unrecognised(found, evidence, recognition))
    session = analyze(path, recognition.exercise, estimator_factory, replace(options, found=found), on_state)
    return Outcome(session, build_report(session).with_recognition(_found(recognition)))


def _found(recognition: Recognition) -> model.Recognition:
    """What the report says recognition found: the exercise, how sure, every score (to 0.01)."""
    return model.Recognition(
        exercise=recognition.exercise.id if recognition.exercise else None,
        confidence=round(recognition.confidence, 2),
        alternatives=[
            model.Alternative(exercise=ex.id, name=ex.name, score=round(s, 2)) for ex, s in recognition.scores
        ],
    )


def _no_exercise(found: FoundPoses, evidence: Evidence) -> model.Report:
    """The whole video's report without an exercise of its own (none, or one per segment)."""
    seen = int(evidence.seen.sum())
    duration = float(evidence.t[-1] - evidence.t[0])
    return unrecognised_report(found.info.name, found.info.fps, len(found.poses), seen, duration, list(found.notes))


def _unrecognised(found: FoundPoses, evidence: Evidence, recognition: Recognition) -> model.Report:
    return _no_exercise(found, evidence).with_recognition(_found(recognition))


def _part(found: FoundPoses, span: Span) -> FoundPoses:
    """The poses of one segment, as a clip cut to it would give them (its own video time)."""
    info = replace(found.info, frame_count=span.hi - span.lo)
    return FoundPoses(info, KeptPoses(islice(found.poses, span.lo, span.hi)), found.notes)


def _segmented(
    path: Path,
    found: FoundPoses,
    evidence: Evidence,
    spans: list[Span],
    estimator_factory: Callable[[], PoseEstimator],
    options: AnalysisOptions,
    on_state: Callable[[FrameState], None] | None,
) -> Outcome:
    """A routine recording: each segment counted from its own poses with its exercise's
    rules (what ``-e`` gives on that stretch); no annotated video or key frames, whose
    pictures follow one exercise's overlay."""
    alone = replace(options, out_video=None, keyframes=None)
    parts = [
        analyze(path, span.exercise, estimator_factory, replace(alone, found=_part(found, span)), on_state)
        for span in spans
    ]
    segments = [
        model.Segment(
            exercise=span.exercise.id,
            start_s=round(span.start_s, 2),
            end_s=round(span.end_s, 2),
            confidence=round(span.confidence, 2),
            report=build_report(session),
        )
        for span, session in zip(spans, parts, strict=True)
    ]
    return Outcome(None, _no_exercise(found, evidence).model_copy(update={"segments": segments}), parts)
