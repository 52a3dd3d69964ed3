"""A video that starts already in the position: ``rep.without_start``.

The lower back rotational stretch counts from the person's own knees-up start. Filmed
already in the twist, that start is never seen; knees below the shoulder-hip line with
the feet drawn in are recognised instead, so the holds are timed on the side whose
shoulder is nearer the camera, and no rep is counted (no start, no rep).
"""
from __future__ import annotations

import pytest

from pathlib import Path

from formcheck.analysis import analyze
from formcheck.counter import RepCounter
from formcheck.evaluator import FrameState
from formcheck.events import Event, EventKind
from formcheck.exercise import HoldSpec, RepSpec, load_exercise
from formcheck.pose import create_estimator
from formcheck.track import Track
from tests.synthetic import LEGS_STRAIGHT, TWIST, bridge_frame

FPS = 30.0


def run(tmp_path: Path, seconds: float, near: str, states: list[FrameState] | None = None, **legs: tuple[float, float]) -> list[Event]:
    """Events of the rotational stretch on a person lying still in one position."""
    frames = [bridge_frame(i, i / FPS, 0.0, near=near, **legs) for i in range(int(seconds * FPS))]
    path = tmp_path / "lying.npz"
    Track.from_frames(frames, "synthetic twist", FPS).save(path)
    return analyze(path, load_exercise("lower_back_rotation"), create_estimator, on_state=states.append if states is not None else None).events


@pytest.mark.parametrize("near", ["left", "right"])
def test_a_twist_filmed_from_its_start_is_held_on_the_near_side(tmp_path: Path, near: str) -> None:
    states: list[FrameState] = []
    events = run(tmp_path, 8.0, near, states, knee_at=TWIST[0], heel_at=TWIST[1])
    holds = [e for e in events if e.kind is EventKind.HOLD_ENDED]
    assert [e.side for e in holds] == [near]
    assert holds[0].data["duration_s"] >= 6.5  # all but the 0.5 s it takes to be sure
    assert not [e for e in events if e.kind in (EventKind.REP_COMPLETED, EventKind.READY)]
    # What the person sees: this side, in position, the hold clock past its 5 s target.
    late = states[-1]
    assert (late.side, late.phase, late.message) == (near, "position", "Well held. Slowly return to the start.")
    assert late.hold_elapsed > 6.0


def test_legs_lying_straight_are_not_a_twist(tmp_path: Path) -> None:
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
        events += counter.update(i / FPS, 1.0, setup_ok=False, hold_ok=True, recognised=i < 3 * FPS)
    kinds = [e.kind for e in events]
    assert EventKind.HOLD_ENDED in kinds
    assert EventKind.REP_COMPLETED not in kinds and EventKind.REP_STARTED not in kinds
    assert not counter.in_position

