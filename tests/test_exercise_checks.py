"""Every check of every exercise file: present, it fires with its message; absent, silence.

The measures are scripted (the pose stage is replaced) so that each check is tested in
exactly the phase its file says it applies to: a clean rep (rest -> position -> rest)
with every measure inside its bounds, then the same rep with one measure outside them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.core.events import EventKind
from formcheck.core.frame import PoseFrame
from formcheck.exercises.loader import load_all
from formcheck.exercises.schema import CheckSpec, Exercise
from formcheck.feedback.wording import say
from tests.scripted import both_sides, run_scripted

FPS = 30.0
BODY_XY = np.random.default_rng(0).uniform(100, 300, (33, 2))
SWAY_PX = 40.0  # the body moves this far between rest and position, so the move is seen


def _inside(lo: float | None, hi: float | None) -> float:
    """A value comfortably inside [lo, hi] (either may be open)."""
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    if lo is not None:
        return lo + 0.25 * abs(lo) + 1
    return hi - 0.25 * abs(hi) - 1  # type: ignore[operator]


def good_values(ex: Exercise) -> dict[str, float]:
    """Per measure, a value that passes every value check and rep requirement."""
    values = {}
    for name in ex.measures:
        lo, hi = None, None
        bounds = [(c.min, c.max) for c in ex.checks if c.measure == name and c.of == "value"]
        if ex.rep and name in ex.rep.require:
            bounds.append((ex.rep.require[name].min, ex.rep.require[name].max))
        for a, b in bounds:
            lo = a if lo is None or (a is not None and a > lo) else lo
            hi = b if hi is None or (b is not None and b < hi) else hi
        values[name] = _inside(lo, hi) if (lo, hi) != (None, None) else 0.0
    return values


def rep_thresholds(ex: Exercise) -> tuple[float, float]:
    """Absolute (enter, exit) of the rep measure in the script.

    For relative thresholds the scripted rest value is chosen so that a check on the rep
    measure in position (e.g. hips high enough) can both pass and fail while in position.
    """
    rep = ex.rep
    if not rep.relative:
        return rep.enter, rep.exit
    span = abs(rep.enter - rep.exit)
    base = 0.0
    for c in ex.checks:
        bound = c.min if rep.direction == "rise" else c.max
        if c.measure == rep.measure and c.of == "value" and c.when in ("position", "hold") and bound is not None:
            base = bound - rep.enter - (span if rep.direction == "rise" else -span)
    return base + rep.enter, base + rep.exit


def rep_levels(ex: Exercise, good: dict[str, float]) -> tuple[float, float]:
    """(rest value, in-position value) of the rep measure, the latter passing its checks."""
    rep = ex.rep
    enter, exit_ = rep_thresholds(ex)
    sign = 1 if rep.direction == "rise" else -1
    span = abs(enter - exit_)
    rest = exit_ - sign * (rep.min_range + span)
    inside = enter + sign * span
    for c in ex.checks:
        if c.measure == rep.measure and c.of == "value" and c.when in ("position", "hold"):
            inside = min(
                max(inside, c.min if c.min is not None else -math.inf), c.max if c.max is not None else math.inf
            )
            inside = _inside(c.min, c.max) if c.min is not None and c.max is not None else inside + sign * 0.1 * span
    return rest, inside


def bad_value(ex: Exercise, fault: CheckSpec) -> float:
    """A value outside the check's bounds; for the rep measure, still in position."""
    if fault.measure == ex.rep.measure:
        bound = fault.min if fault.min is not None else fault.max
        return (rep_thresholds(ex)[0] + bound) / 2
    if fault.max is not None:
        return fault.max + 0.2 * abs(fault.max) + 1
    return fault.min - 0.2 * abs(fault.min) - 1


def script(ex: Exercise, fault: CheckSpec | None) -> list[dict[str, float]]:
    """Per-frame measures of one slow rep (2 s rest, 1.5 s up, 4 s in position, 1.5 s
    down, 2 s rest), optionally with one check's fault where that check applies."""
    good = good_values(ex)
    rest, inside = rep_levels(ex, good)
    away = -1 if ex.rep.direction == "rise" else 1  # from rest, further away from the position
    pieces = (
        ("rest0", 2.0, rest, rest),
        ("up", 1.5, rest, inside),
        ("position", 4.0, inside, inside),
        ("down", 1.5, inside, rest),
        ("rest", 2.0, rest, rest),
    )
    frames = []
    for phase, seconds, a, b in pieces:
        n = int(seconds * FPS)
        for i in range(n):
            values = dict(good)
            values[ex.rep.measure] = a + (b - a) * i / n
            if fault is not None and fault.of == "value":
                applies = phase == "rest" if fault.when == "rest" else phase == "position"
                if applies:
                    values[fault.measure] = bad_value(ex, fault)
            elif fault is not None and phase == "rest0" and i >= FPS:
                # Moving fast (three times the limit) for the last second of rest,
                # within the rest zone so that no rep starts.
                amplitude = fault.max  # ramps of 1/3 s: longer than the speed window
                wave = amplitude * abs(((i / FPS) * 3 * fault.max / amplitude) % 2 - 1)
                values[fault.measure] += (away if fault.measure == ex.rep.measure else 1) * wave
            frames.append(values)
    return frames


def run(ex: Exercise, frames: list[dict[str, float]], cut_at: int | None = None) -> list:
    """Events of the scripted frames, the body swaying with the rep measure (and a camera
    cut at frame ``cut_at``)."""
    rest, inside = rep_levels(ex, good_values(ex))

    def steps():
        for i, values in enumerate(frames):
            progress = (values[ex.rep.measure] - rest) / (inside - rest)
            frame = PoseFrame(i, i / FPS, (640, 480), BODY_XY + SWAY_PX * progress, np.zeros(33), np.ones(33))
            yield (frame if cut_at is None else frame.with_scene(120.0, i == cut_at)), both_sides(values)

    return run_scripted(ex, steps())[0]


CASES = [(ex, check) for ex in load_all() if ex.rep for check in ex.checks]


@pytest.mark.parametrize("ex", [ex for ex in load_all() if ex.rep], ids=lambda ex: ex.id)
def test_clean_rep_raises_no_fault(ex):
    events = run(ex, script(ex, None))
    assert [e.data["check"] for e in events if e.kind is EventKind.FAULT_STARTED] == []
    assert len([e for e in events if e.kind is EventKind.REP_COMPLETED]) == 1


@pytest.mark.parametrize("ex,check", CASES, ids=[f"{ex.id}:{c.id}" for ex, c in CASES])
def test_fault_fires_with_its_message(ex, check):
    events = run(ex, script(ex, check))
    fired = [e for e in events if e.kind is EventKind.FAULT_STARTED]
    assert [e.data["check"] for e in fired] == [check.id] * len(fired) and fired, [e.data for e in fired]
    assert say(fired[0].data["message"]) == check.message


def test_a_relative_check_relearns_its_start_value_after_a_camera_cut():
    # Bridges seen from one camera (flat shoulders read 0.0), then a cut to another
    # (flat shoulders read 0.5) and a clean rep: the old view's rest value must not make
    # the new view's flat shoulders look lifted.
    ex = next(e for e in load_all() if e.id == "bridge")
    check = next(c for c in ex.checks if c.id == "shoulders_down")
    assert check.relative
    before = [dict(v, shoulder_lift=0.0) for v in script(ex, None)[: int(2 * FPS)]]
    after = [dict(v, shoulder_lift=0.5) for v in script(ex, None)]
    events = run(ex, before + after, cut_at=len(before))
    assert [e.data["check"] for e in events if e.kind is EventKind.FAULT_STARTED] == []
    assert len([e for e in events if e.kind is EventKind.REP_COMPLETED]) == 1


def test_both_thighs_behind_the_body_is_not_a_hip_stretch():
    # Downward dog (the lizard lunge's way in): the "back" thigh is behind the body, but
    # so is the front one, so it is not a step back into the stretch.
    ex = next(e for e in load_all() if e.id == "hip_stretch")
    events = run(ex, [dict(v, front_thigh=-30.0) for v in script(ex, None)])
    assert not [e for e in events if e.kind in (EventKind.REP_COMPLETED, EventKind.HOLD_STARTED)]


def test_a_crunch_lowering_back_down_is_not_a_bridge():
    # Curled up in a crunch the hip angle reads about 66 degrees; lowering the shoulders
    # back down opens it to about 100, a rise as large as a bridge's, but nowhere near
    # the straight knee-to-shoulder line: a bridge's position starts at 120 (rep.require).
    ex = next(e for e in load_all() if e.id == "bridge")
    rest, _ = rep_levels(ex, good_values(ex))
    for start, reps in ((rest, 1), (66.0, 0)):
        frames = [dict(v, hip=v["hip"] - rest + start) for v in script(ex, None)]
        events = run(ex, frames)
        assert len([e for e in events if e.kind is EventKind.REP_COMPLETED]) == reps, start


def test_a_knee_hug_counts_on_the_side_whose_knee_came_in_though_the_other_hip_dips_with_it():
    # The right knee comes in to the chest (hip 130 -> 45) and stays 2 s; as it comes in,
    # the left hip reads low too for half a second (the pose model puts both knees on the
    # moving one). Only the right side may enter: "one knee at a time" (rep.require).
    ex = next(e for e in load_all() if e.id == "knee_to_chest")

    def hips(t: float) -> tuple[float, float]:
        right = (
            130.0 if t < 1.0 else max(45.0, 130.0 - 85.0 * (t - 1.0)) if t < 4.0 else min(130.0, 45 + 85 * (t - 4.0))
        )
        left = 50.0 if 1.5 <= t < 2.0 else 130.0
        return left, right

    def steps():
        for i in range(int(7.0 * FPS)):
            left, right = hips(i / FPS)
            frame = PoseFrame(i, i / FPS, (640, 480), BODY_XY + SWAY_PX * (130 - right) / 85, np.zeros(33), np.ones(33))
            bent = {"knee": 60.0}  # both knees bent (the file requires the working one drawn in)
            yield (
                frame,
                {"left": {"hip": left, "other_hip": right, **bent}, "right": {"hip": right, "other_hip": left, **bent}},
            )

    events, _, evaluator = run_scripted(ex, steps())
    done = [e.side for e in events if e.kind is EventKind.REP_COMPLETED]
    assert [str(side) for side in done] == ["right"], done
    assert evaluator.counts().left == 0
