"""Scene cuts in edited videos: detected from the picture, and counting starts over."""

from __future__ import annotations

import numpy as np

from formcheck.core.events import EventKind
from formcheck.engine.evaluator import ExerciseEvaluator
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.wording import say
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


def _bridge_with_a_cut(pieces, cut_s):
    t, lift = schedule(30.0, pieces)
    ev = ExerciseEvaluator(load_exercise("bridge"))
    events = []
    for i, (ti, u) in enumerate(zip(t, lift)):
        frame = bridge_frame(i, float(ti), float(u)).with_scene(120.0, i == int(cut_s * 30))
        events += ev.update(frame).events
    return events + ev.finish()


def test_a_cut_mid_rep_is_one_rep_once_the_start_is_seen_again_in_the_new_view():
    # Up into the bridge, the shot changes while up, back down after the cut: one rep,
    # neither lost at the cut nor counted twice by the way down in the new view.
    events = _bridge_with_a_cut([(1.0, 0, 0), (1.0, 0, 1), (2.0, 1, 1), (1.0, 1, 0), (1.0, 0, 0)], cut_s=3.0)
    (done,) = [e for e in events if e.kind is EventKind.REP_COMPLETED]
    assert done.data["start_s"] < 3.0 < done.data["end_s"]
    assert [e for e in events if e.kind is EventKind.REP_REJECTED] == []


def test_a_cut_mid_rep_that_never_comes_back_down_is_not_a_rep():
    events = _bridge_with_a_cut([(1.0, 0, 0), (1.0, 0, 1), (3.0, 1, 1)], cut_s=3.0)
    assert [e for e in events if e.kind is EventKind.REP_COMPLETED] == []
    rejected = [say(e.data["reason"]) for e in events if e.kind is EventKind.REP_REJECTED]
    assert rejected == ["still in position when the video ended (after a camera cut)"]
