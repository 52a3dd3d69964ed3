"""Scene cuts in edited videos: detected from the picture, and counting starts over."""

from __future__ import annotations

import numpy as np

from formcheck.core.events import EventKind
from formcheck.engine.evaluator import ExerciseEvaluator
from formcheck.exercises.loader import load_exercise
from formcheck.sources.scene import SceneWatch
from tests.synthetic import bridge_frame, schedule


def test_a_hard_cut_is_detected_and_movement_is_not():
    rng = np.random.default_rng(0)
    room = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
    other_room = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
    watch = SceneWatch()
    person_moves = room.copy()
    person_moves[40:80, 60:100] = 255  # a person-sized patch changes
    cuts = [watch.update(img)[1] for img in (room, person_moves, room, other_room, other_room)]
    assert cuts == [False, False, False, True, False]
    brightness, _ = SceneWatch().update(np.full((10, 10, 3), 200, np.uint8))
    assert abs(brightness - 200) < 1


def test_a_cut_while_in_position_is_not_a_rep_and_needs_the_start_again():
    # Up into the bridge, then the shot changes while up; back down after the cut.
    t, lift = schedule(30.0, [(1.0, 0, 0), (1.0, 0, 1), (2.0, 1, 1), (1.0, 1, 0), (1.0, 0, 0)])
    cut_at = int(3.0 * 30)
    ev = ExerciseEvaluator(load_exercise("bridge"))
    events = []
    for i, (ti, u) in enumerate(zip(t, lift)):
        frame = bridge_frame(i, float(ti), float(u)).with_scene(120.0, i == cut_at)
        events += ev.update(frame).events
    events += ev.finish()
    assert [e for e in events if e.kind is EventKind.REP_COMPLETED] == []
    rejected = [e.data["reason"] for e in events if e.kind is EventKind.REP_REJECTED]
    assert rejected == ["still in position when the camera view changed"]
