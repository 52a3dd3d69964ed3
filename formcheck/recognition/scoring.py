"""Scores each exercise on a stretch of the collected evidence, and names the winner.

An exercise scores high when its file's rules found what the file describes: the body in
the exercise's postures most of the time (its start posture, ``setup.posture``, or in
the position in a posture of the position: a child's pose filmed already folded never
shows the kneeling start, but is in the position, folded, all along), the view its
camera advice asks for, and the position actually reached: reps counted, or a hold timed, with its checks passing,
the body still in the exercise's own postures while in it (``setup.posture`` and
``recognition.in_position``), and some of the stretch spent there. A clip that only
resembles an exercise (a crunch beside a bridge) seldom gets all of these at once: a
standing calf raise can pass for a cobra's chest lift, but not standing up; a knee hug
passes the leg stretch's rules now and then, but the knee to chest's all along. The weights below were set on the renders and the tuning half of the
real clips (``benchmarks/recognition.py``); nothing here names an exercise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.exercises.schema import Exercise
from formcheck.recognition.evidence import Evidence, Trace


@dataclass(frozen=True)
class ScoreParams:
    reps_full: float = 2.0  # this many reps count as full evidence of the position
    hold_full_s: float = 5.0  # ...or a hold this long (or the file's target, if shorter)
    hold_weight: float = 0.9  # a hold alone is a little weaker evidence than reps
    posture_full: float = 0.5  # the start posture seen in this share of the frames is enough
    # How much failing checks in the position take off. On the renders an exercise fails
    # its own checks in at most 7 % of its time in position, a look-alike another's in
    # 70-100 % (the leg stretch's on bridges, the lower back rotation's on knee to chest);
    # 0.9 loses the tuning half's neck rolls, which fail the neck stretch's checks part of the time.
    fault_weight: float = 0.8
    view_floor: float = 0.5  # the score kept when the view is never the advised one
    position_posture_full: float = 0.7  # in its own postures this share of the time in position is enough
    in_position_full: float = 0.15  # this share of the stretch in the position is enough...
    in_position_floor: float = 0.5  # ...and the score kept when it is in the position only briefly
    none_below: float = 0.3  # a best score below this recognises nothing


@dataclass(frozen=True)
class Recognition:
    """The verdict on a stretch: the exercise (None: none of the known ones), how sure,
    and every exercise's score, best first."""

    exercise: Exercise | None
    confidence: float
    scores: tuple[tuple[Exercise, float], ...]

    @property
    def closest(self) -> tuple[Exercise, float]:
        return self.scores[0]


def _share(values: np.ndarray, where: np.ndarray) -> float:
    return float(values[where].mean()) if where.any() else 0.0


@dataclass(frozen=True)
class ScoreParts:
    """The factors of a score, each 0 to 1, kept apart so a miss can be read: which
    evidence made a look-alike look like the exercise, which was absent from a clip of it."""

    posture: float  # the start posture seen, or the position in a posture of it
    doing: float  # the position reached: reps counted, or a hold timed
    clean: float  # its checks passing while in position
    view: float  # the camera view its advice asks for
    held: float  # in the exercise's own postures while in position
    covered: float  # some of the stretch spent in position

    @property
    def total(self) -> float:
        return self.posture * self.doing * self.clean * self.view * self.held * self.covered


NOTHING = ScoreParts(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def score_parts(trace: Trace, evidence: Evidence, lo: int, hi: int, params: ScoreParams) -> ScoreParts:
    """What frames ``lo:hi`` show of the trace's exercise, factor by factor."""
    ex = trace.exercise
    if ex.rep is None:  # activities are recognised only when their file allows it (see schema)
        return NOTHING
    t, seen = evidence.t[lo:hi], evidence.seen[lo:hi]
    a = {name: v[lo:hi] for name, v in trace.arrays().items()}
    if not len(t) or not seen.any():
        return NOTHING
    start, end = t[0], t[-1]
    reps = sum(start <= r <= end for r in trace.rep_times)
    dt = np.diff(t, prepend=t[0])
    hold_s = float((dt * a["holding"]).sum())
    hold_full = min(ex.hold.target_s, params.hold_full_s) if ex.hold else params.hold_full_s
    in_position = a["in_position"] & seen
    posed = a["posture_ok"] | (in_position & a["position_posture_ok"])
    stayed = min(float(in_position.mean()) / params.in_position_full, 1.0)
    return ScoreParts(
        posture=min(_share(posed, seen) / params.posture_full, 1.0),
        doing=max(min(reps / params.reps_full, 1.0), params.hold_weight * min(hold_s / hold_full, 1.0)),
        clean=1.0 - params.fault_weight * _share(a["faulty"], in_position),
        view=params.view_floor + (1.0 - params.view_floor) * _share(a["view_ok"], seen),
        held=min(_share(a["position_posture_ok"], in_position) / params.position_posture_full, 1.0),
        covered=params.in_position_floor + (1.0 - params.in_position_floor) * stayed,
    )


def score(trace: Trace, evidence: Evidence, lo: int, hi: int, params: ScoreParams) -> float:
    """How well frames ``lo:hi`` look like the trace's exercise, 0 to 1."""
    return score_parts(trace, evidence, lo, hi, params).total


def recognise(evidence: Evidence, lo: int = 0, hi: int | None = None, params: ScoreParams | None = None) -> Recognition:
    """Every exercise scored on frames ``lo:hi``; the best wins if it scores enough.

    The confidence is the winner's score less half the runner-up's: two exercises the
    stretch fits equally well (a cat and a cow in one cat-cow flow) give half the score.
    """
    params = params or ScoreParams()
    hi = len(evidence.t) if hi is None else hi
    scored = sorted(
        (
            (trace.exercise, score(trace, evidence, lo, hi, params))
            for trace in evidence.traces
            if trace.exercise.recognition.auto
        ),
        key=lambda pair: -pair[1],
    )
    best, runner_up = scored[0][1], scored[1][1] if len(scored) > 1 else 0.0
    confidence = max(best - runner_up / 2.0, 0.0)
    exercise: Exercise | None = scored[0][0] if best >= params.none_below else None
    return Recognition(exercise, confidence, tuple(scored))
