"""A video that starts already in the position: ``rep.without_start``.

The lower back rotational stretch counts from the person's own knees-up start. Filmed
already in the twist, that start is never seen; knees below the shoulder-hip line with
the feet drawn in are recognised instead, so the holds are timed on the side whose
shoulder is nearer the camera, and no rep is counted (no start, no rep). Coming out of
it, the start must be seen still and well away from the twist before counting begins.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.core.events import Event, EventKind
from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import Landmark as L
from formcheck.core.reasons import Note, Reason, WantedView
from formcheck.engine.counter import RepCounter, RepInput
from formcheck.engine.evaluator import ExerciseEvaluator, FrameState
from formcheck.exercises.loader import load_exercise
from formcheck.exercises.schema import HoldSpec, RepSpec
from formcheck.offline.analyze import analyze
from formcheck.pose import create_estimator
from formcheck.sources.track import Track
from tests.scripted import run_scripted
from tests.synthetic import LEGS_STRAIGHT, TWIST, bridge_frame

FPS = 30.0
EXERCISE = load_exercise("lower_back_rotation")


def run(
    tmp_path: Path,
    seconds: float,
    near: str,
    states: list[FrameState] | None = None,
    hips_turned: bool = False,
    **legs: tuple[float, float],
) -> list[Event]:
    """Events of the rotational stretch on a person lying still in one position.

    ``hips_turned``: the hips and knees read nearer on the other side, as the pose model
    has them when the pelvis turns over in a twist (the shoulders stay as they were)."""
    frames = [bridge_frame(i, i / FPS, 0.0, near=near, **legs) for i in range(int(seconds * FPS))]
    if hips_turned:
        for frame in frames:
            for pair in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_KNEE, L.RIGHT_KNEE)):
                frame.z[list(pair)] = frame.z[list(pair[::-1])]
    path = tmp_path / "lying.npz"
    Track.from_frames(frames, "synthetic twist", FPS).save(path)
    return analyze(path, EXERCISE, create_estimator, on_state=states.append if states is not None else None).events


@pytest.mark.parametrize("near", ["left", "right"])
def test_a_video_starting_in_the_twist_times_it_on_the_near_shoulders_side(tmp_path: Path, near: str) -> None:
    states: list[FrameState] = []
    events = run(tmp_path, 8.0, near, states, hips_turned=True, knee_at=TWIST[0], heel_at=TWIST[1])
    holds = [e for e in events if e.kind is EventKind.HOLD_ENDED]
    assert [e.side for e in holds] == [near]
    assert holds[0].data["duration_s"] >= 6.5  # all but the 0.5 s it takes to be sure
    assert not [e for e in events if e.kind in (EventKind.REP_COMPLETED, EventKind.READY)]
    # What the person sees: this side, in position, the hold clock past its 5 s target;
    # the stick figure is side-on, so the set-up problem is what is said first.
    late = states[-1]
    assert (late.side, late.phase) == (near, "position")
    assert late.hold_elapsed > 6.0
    assert late.message == Note(Reason.WRONG_VIEW, WantedView("oblique")) and late.setup_problems == [late.message]


def test_legs_lying_straight_are_not_a_twist(tmp_path: Path) -> None:
    # Knees a little below the trunk line, as in the twist: only the feet, far from the
    # hips, tell straight legs apart.
    events = run(tmp_path, 8.0, "left", knee_at=LEGS_STRAIGHT[0], heel_at=LEGS_STRAIGHT[1])
    assert not [e for e in events if e.kind in (EventKind.HOLD_STARTED, EventKind.HOLD_ENDED)]


def test_knees_up_is_the_start_not_the_position(tmp_path: Path) -> None:
    kinds = [e.kind for e in run(tmp_path, 3.0, "left")]
    assert EventKind.READY in kinds and EventKind.HOLD_STARTED not in kinds


def test_the_counter_times_a_recognised_hold_but_counts_no_rep() -> None:
    spec = RepSpec(measure="m", direction="rise", enter=0.6, exit=0.35, relative=True, min_in_s=0.5)
    counter = RepCounter(spec, HoldSpec(target_s=5.0, min_s=1.0), "left")
    events = []
    for i in range(int(4 * FPS)):  # recognised for 3 s, then not
        events += counter.update(RepInput(i / FPS, 1.0, setup_ok=False, hold_ok=True, recognised=i < 3 * FPS))
    kinds = [e.kind for e in events]
    assert EventKind.HOLD_ENDED in kinds
    assert EventKind.REP_COMPLETED not in kinds and EventKind.REP_STARTED not in kinds
    assert not counter.in_position


# -- scripted measures: the way out of a twist the video started in ---------------------

TWISTED, KNEES_UP = (1.5, -0.4), (0.0, 0.6)  # (left side's roll, knee height)
ROLL_RIGHT, ROLL_LEFT = (-1.5, 0.3), (1.5, -0.4)


def ramp(seconds: float, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    n = int(seconds * FPS)
    return [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n)]


def rep(to: tuple[float, float]) -> list[tuple[float, float]]:
    return ramp(1.5, KNEES_UP, to) + ramp(4.0, to, to) + ramp(1.5, to, KNEES_UP) + ramp(2.0, KNEES_UP, KNEES_UP)


def script(
    frames: list[tuple[float, float]], gone: slice = slice(0)
) -> tuple[list[Event], list[FrameState], ExerciseEvaluator]:
    """Run the evaluator on scripted (roll, knee height), the body moving with them;
    nobody in the frames of ``gone``."""
    body = np.random.default_rng(0).uniform(100, 300, (33, 2))
    hidden = range(*gone.indices(len(frames)))

    def steps():
        for i, (roll, height) in enumerate(frames):
            frame = PoseFrame(i, i / FPS, (640, 480), body + 40 * np.array([roll, height]), np.zeros(33), np.ones(33))
            by_side = {
                side: {"roll": value, "shoulder_lift": 0.0, "knee_height": height, "feet_in": 1.1}
                for side, value in (("left", roll), ("right", -roll))
            }
            yield (PoseFrame.empty(i, i / FPS, (640, 480)) if i in hidden else frame), by_side

    return run_scripted(EXERCISE, steps())


@pytest.mark.parametrize(
    "way_out",
    [
        ramp(1.5, TWISTED, KNEES_UP),
        ramp(3.0, TWISTED, KNEES_UP),
        ramp(0.2, TWISTED, (1.5, -0.1)) + ramp(1.5, (1.5, -0.1), (1.5, -0.1)) + ramp(1.5, (1.5, -0.1), KNEES_UP),
    ],
    ids=["back", "slowly back", "knees lifted first"],
)
def test_after_a_twist_the_video_started_in_each_rep_still_counts(way_out: list) -> None:
    frames = ramp(4.0, TWISTED, TWISTED) + way_out + ramp(3.0, KNEES_UP, KNEES_UP) + rep(ROLL_RIGHT) + rep(ROLL_LEFT)
    events, _, ev = script(frames)
    assert ev.counts() == {"left": 1, "right": 1}
    twist_ends = 4.0 + len(way_out) / FPS
    assert all(e.t >= twist_ends for e in events if e.kind is EventKind.READY)  # counting starts at the knees-up rest


@pytest.mark.parametrize("pause_s, counts", [(0.8, {"left": 1, "right": 1}), (0.6, {"left": 0, "right": 0})])
def test_after_a_twist_the_video_started_in_the_start_must_be_held_still_briefly(pause_s: float, counts: dict) -> None:
    """The documented limit: 0.5 s of rest (min_rest_s) plus the motion estimate's lag.
    Shorter, and the next roll, held still, is taken as the start."""
    frames = (
        ramp(4.0, TWISTED, TWISTED)
        + ramp(1.5, TWISTED, KNEES_UP)
        + ramp(pause_s, KNEES_UP, KNEES_UP)
        + rep(ROLL_RIGHT)
        + rep(ROLL_LEFT)
    )
    _, _, ev = script(frames)
    assert ev.counts() == counts


def test_losing_the_person_during_a_recognised_hold_ends_it() -> None:
    frames = ramp(8.0, TWISTED, TWISTED)
    events, states, _ = script(frames, gone=slice(int(3 * FPS), None))
    assert [e.kind for e in events if e.kind in (EventKind.HOLD_STARTED, EventKind.HOLD_ENDED)] == [
        EventKind.HOLD_STARTED,
        EventKind.HOLD_ENDED,
    ]
    assert states[-1].phase == "setup"
