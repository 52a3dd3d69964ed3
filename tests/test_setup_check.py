"""The setup check: what is wrong with the camera set-up, in words, after it lasts 1 s."""

from __future__ import annotations

from dataclasses import replace

from formcheck.core.events import EventKind
from formcheck.core.landmarks import Landmark as L
from formcheck.engine.setup_check import SetupMonitor
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.wording import say
from formcheck.measures.posture import View, view_of
from tests.synthetic import bridge_frame

FPS = 30


def run(transform, seconds: float = 2.0, exercise: str = "bridge"):
    monitor = SetupMonitor(load_exercise(exercise).setup)
    events = []
    for i in range(int(seconds * FPS)):
        frame = transform(bridge_frame(i, i / FPS, 0.0).with_scene(120.0))
        events += monitor.update(frame, view_of(frame))
    return monitor, [e.data["check"] for e in events if e.kind is EventKind.FAULT_STARTED]


def test_a_good_setup_raises_nothing():
    monitor, fired = run(lambda f: f)
    assert fired == [] and monitor.problems() == []


def test_feet_out_of_the_picture():
    def crop(f):
        xy = f.xy.copy()
        xy[[L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL], 0] = -20.0
        return replace(f, xy=xy)

    monitor, fired = run(crop)
    assert fired == ["setup.feet_in_view"]
    assert say(monitor.problems()[0]).startswith("Your feet are out of the picture")


def test_too_dark():
    monitor, fired = run(lambda f: f.with_scene(12.0))
    assert fired == ["setup.too_dark"] and "too dark" in say(monitor.problems()[0])


def test_too_far():
    def shrink(f):
        centre = f.xy.mean(axis=0)
        return replace(f, xy=centre + (f.xy - centre) * 0.3)

    _, fired = run(shrink)
    assert fired == ["setup.too_far"]


def test_facing_the_camera_for_a_side_view_exercise():
    def turn(f):
        xy = f.xy.copy()
        xy[[L.RIGHT_SHOULDER, L.RIGHT_HIP], 1] += 90.0  # shoulders and hips far apart
        return replace(f, xy=xy)

    frame = turn(bridge_frame(0, 0.0, 0.0))
    assert view_of(frame) is View.FRONT
    monitor, fired = run(turn)
    assert "setup.view" in fired and "Turn side-on to the camera." in [say(p) for p in monitor.problems()]


def test_the_rotational_stretch_wants_the_camera_round_from_side_on():
    def oblique(f):
        xy = f.xy.copy()
        xy[[L.RIGHT_SHOULDER, L.RIGHT_HIP], 1] += 45.0  # shoulders and hips half apart
        return replace(f, xy=xy)

    assert view_of(bridge_frame(0, 0.0, 0.0)) is View.SIDE
    assert view_of(oblique(bridge_frame(0, 0.0, 0.0))) is View.OBLIQUE
    monitor, fired = run(lambda f: f, exercise="lower_back_rotation")
    assert fired == ["setup.view"] and say(monitor.problems()[0]).startswith(
        "Move the camera round to about 45 degrees"
    )
    _, fired = run(oblique, exercise="lower_back_rotation")
    assert fired == []


def test_a_short_glitch_is_not_reported():
    def blink(f):
        return f.with_scene(5.0) if 10 <= f.index < 20 else f

    _, fired = run(blink)
    assert fired == []


def test_more_than_one_person_is_a_notice_that_does_not_stop_counting():
    monitor, fired = run(lambda f: f.with_people(2))
    assert fired == ["setup.one_person"]
    assert monitor.problems() == []  # counting goes on: not a set-up problem
    assert [say(n) for n in monitor.notices()] == [
        "More than one person is in view: formcheck follows only one. Ask others to step out of the picture."
    ]


def test_one_person_or_an_uncounted_frame_says_nothing():
    for people in (1, None):
        monitor, fired = run(lambda f, people=people: f.with_people(people))
        assert fired == [] and monitor.notices() == []


def test_two_people_in_view_counting_goes_on_and_hold_coaching_comes_first():
    from formcheck.engine.pipeline import Pipeline
    from formcheck.sources.video import SourceInfo
    from tests.synthetic import schedule

    up_down = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    t, lift = schedule(FPS, up_down * 3 + [(1.5, 0.0, 0.0)])
    pipeline = Pipeline(
        load_exercise("bridge"), SourceInfo(name="two people", fps=FPS, frame_count=len(t), size=(640, 480))
    )
    messages = []
    for i, (ti, li) in enumerate(zip(t, lift)):
        state = pipeline.step(bridge_frame(i, float(ti), float(li)).with_scene(120.0).with_people(2))
        messages.append((state.phase, say(state.message)))
    session = pipeline.finish()
    assert session.counts == {"total": 3}
    notice = "More than one person is in view: formcheck follows only one. Ask others to step out of the picture."
    held = [m for phase, m in messages if phase == "position"]
    assert "Hold the position and breathe." in held and notice not in held
    assert notice in [m for phase, m in messages if phase == "ready"]
    assert [e.data["check"] for e in session.events if e.kind is EventKind.FAULT_STARTED] == ["setup.one_person"]
