"""The live loop's small stages on their own: the setup check and countdown, the rep
target watch, the keys, and how an ending decides whether a routine moves on."""

from __future__ import annotations

import numpy as np

from formcheck.core.body import Posture, View
from formcheck.core.ending import EndReason
from formcheck.core.frame import PoseFrame
from formcheck.core.reasons import declared
from formcheck.core.state import Counts, Phase, Side
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.display import ESC
from formcheck.feedback.wording import say
from formcheck.live.countdown import GET_READY, Countdown
from formcheck.live.keys import KeyAction, key_actions
from formcheck.live.targets import TargetWatch


def _state(posture: Posture, person: bool = True, problems: list[str] | None = None) -> FrameState:
    visibility = np.ones(33) if person else np.zeros(33)
    frame = PoseFrame(0, 0.0, (640, 480), np.full((33, 2), 100.0), np.zeros(33), visibility)
    return FrameState(
        t=0.0,
        frame=frame,
        side=Side.LEFT,
        measures={},
        posture=posture,
        view=View.SIDE,
        phase=Phase.SETUP,
        counts=Counts.of_both(0),
        hold_elapsed=0.0,
        hold_target=None,
        motion=0.0,
        active_s=None,
        setup_problems=problems or [],
        message=None,
    )


def test_countdown_needs_the_setup_right_for_the_whole_time():
    bridge = load_exercise("bridge")
    countdown = Countdown(bridge, 2.0, announce_after_s=0.5)
    lying, standing = _state(Posture.SUPINE), _state(Posture.STANDING)
    first = countdown.update(0.0, standing)
    assert not first.done and first.banner == "" and say(first.message) == bridge.setup.message
    assert first.announce is None  # not steady yet
    assert say(countdown.update(0.6, standing).announce) == bridge.setup.message  # said once...
    assert countdown.update(1.2, standing).announce is None  # ...and not again
    steps = [countdown.update(t, lying) for t in (1.3, 2.0, 2.4, 3.4)]
    assert [(s.banner, s.speak, s.done) for s in steps] == [
        ("2", "2", False),
        ("2", None, False),
        ("1", "1", False),
        ("", None, True),
    ]
    assert steps[0].message == GET_READY
    countdown.restart()
    assert countdown.update(3.5, lying).banner == "2"  # from the start again


def test_countdown_starts_over_when_the_setup_goes_wrong():
    countdown = Countdown(load_exercise("bridge"), 1.0, announce_after_s=1.0)
    lying = _state(Posture.SUPINE)
    countdown.update(0.0, lying)
    assert say(
        countdown.update(
            0.5, _state(Posture.SUPINE, problems=[declared("Move back: your feet are out of the picture.")])
        ).message
    ).startswith("Move back")
    assert not countdown.update(1.2, lying).done  # the clock started again at 1.2
    assert countdown.update(2.2, lying).done


def test_target_watch_says_each_side_once_then_the_target():
    watch = TargetWatch(2)
    assert watch.update(Counts.per_side(1, 0)) == []
    news = watch.update(Counts.per_side(2, 0))
    assert [(n.text, n.cue.text, n.met) for n in news] == [("left side done: switch sides", "Switch sides", False)]
    assert watch.update(Counts.per_side(2, 0)) == []  # the same counts again: nothing new
    assert watch.update(Counts.per_side(2, 1)) == []
    assert [(n.text, n.met) for n in watch.update(Counts.per_side(2, 2))] == [("target of 2 reached", True)]
    assert watch.update(Counts.per_side(3, 3)) == []  # met once only


def test_target_watch_without_a_goal_is_quiet():
    assert TargetWatch(None).update(Counts.of_both(50)) == []
    assert [n.met for n in TargetWatch(3).update(Counts.of_both(3))] == [True]


def test_keys_map_to_actions_and_others_do_nothing():
    assert key_actions([" ", "x", "r", "n", "m", "i", "q", ESC]) == [
        KeyAction.PAUSE,
        KeyAction.RESET,
        KeyAction.NEXT,
        KeyAction.MUTE,
        KeyAction.STATS,
        KeyAction.QUIT,
        KeyAction.QUIT,
    ]


def test_only_a_met_target_n_or_the_next_exercise_started_moves_a_routine_on():
    assert {r for r in EndReason if r.moves_on} == {EndReason.TARGET, EndReason.NEXT, EndReason.SWITCH}
    assert f"{EndReason.SOURCE}" == "source"  # the word the routine report carries
