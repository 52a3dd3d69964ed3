"""Splits a routine recording into the exercises done one after another.

Every exercise is scored over sliding windows of the evidence, exactly as a whole clip
is scored (``scoring.score``): a window shows an exercise when that file's rules found
its start posture, its view and its position reached. The best exercise of each window
(or none, below the recognition threshold) gives a sequence of labels; a label that
leads for fewer than ``switch_after`` windows is a blip and keeps the label before it
(hysteresis), equal neighbours merge, and runs of no exercise or shorter than
``min_s`` (set-up, walking over to the mat, a moment that looks like another
exercise) belong to no segment. Between two exercises the windows only say roughly
where the change is (a 10 s window still shows the first exercise seconds after it
ended, and a look-alike's rules may keep counting), so the boundary is placed where
the body's posture and activity change from the first exercise's to the second's
(``change_point``). Each segment is then trimmed to the frames in its exercise's start
posture and recognised again on its own stretch, so what a segment names is what the
whole-clip recogniser says of that stretch. Nothing here names an exercise: every
score comes from the exercise files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.exercises.schema import Exercise
from formcheck.recognition.evidence import Evidence, Trace
from formcheck.recognition.scoring import ScoreParams, recognise, score

NONE = -1  # the label of a window in which no exercise scores enough


@dataclass(frozen=True)
class SegmentParams:
    window_s: float = 10.0  # long enough for two reps or a full hold, as a clip needs
    step_s: float = 1.0
    switch_after: int = 3  # windows a new label must lead before the label changes
    min_s: float = 8.0  # shorter runs belong to no segment


@dataclass(frozen=True)
class Run:
    """A stretch of windows with one label: an index into the scored exercises (or NONE)."""

    label: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Span:
    """One exercise of a recording: frames ``lo:hi`` of the evidence, and how sure."""

    exercise: Exercise
    lo: int
    hi: int
    start_s: float
    end_s: float
    confidence: float


def best_labels(scores: np.ndarray, none_below: float) -> np.ndarray:
    """Each window's best exercise (scores: windows x exercises), NONE when none scores enough."""
    best = scores.argmax(axis=1)
    return np.where(scores.max(axis=1) >= none_below, best, NONE)


def _runs_of(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(label, first window, last window + 1) of each run of equal labels."""
    runs: list[tuple[int, int, int]] = []
    for k, label in enumerate(labels.tolist()):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], k + 1)
        else:
            runs.append((label, k, k + 1))
    return runs


def steady_labels(labels: np.ndarray, switch_after: int) -> np.ndarray:
    """Labels with hysteresis: a run shorter than ``switch_after`` windows takes the label
    before it (the first run, the one after it)."""
    steady = labels.copy()
    runs = _runs_of(labels)
    for i, (_, lo, hi) in enumerate(runs):
        if hi - lo >= switch_after or len(runs) == 1:
            continue
        before = steady[lo - 1] if lo > 0 else runs[i + 1][0]
        steady[lo:hi] = before
    return steady


def label_runs(
    starts: np.ndarray, scores: np.ndarray, none_below: float, params: SegmentParams | None = None
) -> list[Run]:
    """The runs of one exercise in windows starting at ``starts`` (seconds), each
    ``params.window_s`` long: between two exercises the boundary is halfway between
    their windows' centres; next to no exercise a run reaches its window's edge."""
    params = params or SegmentParams()
    if not len(starts):
        return []
    labels = steady_labels(best_labels(scores, none_below), params.switch_after)
    runs = _runs_of(labels)
    centres = starts + params.window_s / 2.0
    found: list[Run] = []
    for i, (label, lo, hi) in enumerate(runs):
        if label == NONE:
            continue
        before = runs[i - 1][0] if i > 0 else NONE
        after = runs[i + 1][0] if i + 1 < len(runs) else NONE
        start = starts[lo] if before == NONE else (centres[lo - 1] + centres[lo]) / 2.0
        end = starts[hi - 1] + params.window_s if after == NONE else (centres[hi - 1] + centres[hi]) / 2.0
        if end - start >= params.min_s:
            found.append(Run(int(label), float(start), float(end)))
    return found


def window_starts(t: np.ndarray, params: SegmentParams) -> np.ndarray:
    """Where each window starts: every ``step_s`` from the first frame, the last window
    ending at the last frame (one window when the video is shorter than one)."""
    if not len(t):
        return np.zeros(0)
    last = max(float(t[-1]) - params.window_s, float(t[0]))
    return np.arange(float(t[0]), last + 1e-9, params.step_s)


def window_scores(
    evidence: Evidence, starts: np.ndarray, window_s: float, params: ScoreParams
) -> tuple[list[Exercise], np.ndarray]:
    """The recognisable exercises and their score in each window (windows x exercises)."""
    traces = [trace for trace in evidence.traces if trace.exercise.recognition.auto]
    los = np.searchsorted(evidence.t, starts, side="left")
    his = np.searchsorted(evidence.t, starts + window_s, side="right")
    scores = np.array(
        [
            [score(trace, evidence, int(lo), int(hi), params) for trace in traces]
            for lo, hi in zip(los, his, strict=True)
        ]
    ).reshape(len(starts), len(traces))
    return [trace.exercise for trace in traces], scores


def support(trace: Trace) -> np.ndarray:
    """Per frame, how much the body looks like the trace's exercise: 1 in its start
    posture, 1 more in its position (the rules say so) in a posture of the position."""
    a = trace.arrays()
    return a["posture_ok"].astype(int) + (a["in_position"] & a["position_posture_ok"]).astype(int)


def change_point(evidence: Evidence, before: Exercise, after: Exercise, lo: int, hi: int) -> int:
    """The frame in ``lo:hi`` where ``before`` gives way to ``after``: the one that puts
    the most frames that look more like ``before`` ahead of it and the most that look
    more like ``after`` behind it (a cumulative sum of their ``support``). Frames that
    look alike to both (a shared posture, a rest between reps) decide nothing: on a
    plateau of equal splits the boundary is in its middle."""
    traces = {trace.exercise.id: trace for trace in evidence.traces}
    leaning = support(traces[before.id])[lo:hi] - support(traces[after.id])[lo:hi]
    gain = np.concatenate([[0], np.cumsum(leaning)])
    best = np.flatnonzero(gain == gain.max())
    return lo + int(best[len(best) // 2])


def placed(evidence: Evidence, exercises: list[Exercise], runs: list[Run], window_s: float) -> list[Run]:
    """Runs whose boundary with the next run is moved to the ``change_point`` within a
    window either side of where the windows put it. Two exercises less than a window
    apart are one change, however the windows between them scored (a window that
    straddles the change shows too little of either); the frames of the change that
    are in neither's start posture are trimmed off later (``_trimmed``)."""
    runs = list(runs)
    for i in range(len(runs) - 1):
        first, second = runs[i], runs[i + 1]
        if second.start_s - first.end_s > window_s:
            continue  # set-up between them: each ends at its own windows' edge
        lo = int(np.searchsorted(evidence.t, max(first.start_s, first.end_s - window_s)))
        hi = int(np.searchsorted(evidence.t, min(second.end_s, second.start_s + window_s), side="right"))
        cut = change_point(evidence, exercises[first.label], exercises[second.label], lo, hi)
        at = float(evidence.t[min(cut, len(evidence.t) - 1)])
        runs[i], runs[i + 1] = replace(first, end_s=at), replace(second, start_s=at)
    return runs


def _trimmed(evidence: Evidence, exercise: Exercise, lo: int, hi: int) -> tuple[int, int]:
    """Frames ``lo:hi`` without the set-up before and after: from the first to the last
    frame in the exercise's start posture (unchanged when it is never seen)."""
    trace = next(tr for tr in evidence.traces if tr.exercise is exercise)
    posed = np.flatnonzero(trace.posture_ok.values()[lo:hi])
    return (lo + int(posed[0]), lo + int(posed[-1]) + 1) if len(posed) else (lo, hi)


def find_segments(
    evidence: Evidence, params: SegmentParams | None = None, score_params: ScoreParams | None = None
) -> list[Span]:
    """The exercises of a recording in order, each recognised again on its own stretch
    (a stretch whose own verdict is none is dropped; neighbours of one exercise merge)."""
    params, score_params = params or SegmentParams(), score_params or ScoreParams()
    starts = window_starts(evidence.t, params)
    exercises, scores = window_scores(evidence, starts, params.window_s, score_params)
    spans: list[Span] = []
    runs = placed(evidence, exercises, label_runs(starts, scores, score_params.none_below, params), params.window_s)
    for run in runs:
        lo = int(np.searchsorted(evidence.t, run.start_s, side="left"))
        hi = int(np.searchsorted(evidence.t, run.end_s, side="right"))
        lo, hi = _trimmed(evidence, exercises[run.label], lo, hi)
        verdict = recognise(evidence, lo, hi, score_params)
        if verdict.exercise is None:
            continue
        exercise = verdict.exercise
        if spans and spans[-1].exercise is exercise:
            lo = spans.pop().lo
            verdict = recognise(evidence, lo, hi, score_params)
        spans.append(Span(exercise, lo, hi, float(evidence.t[lo]), float(evidence.t[hi - 1]), verdict.confidence))
    return spans
