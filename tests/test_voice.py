"""Voice cues: what is said (from the event stream) and how (never blocking, never overlapping)."""

from __future__ import annotations

import io
import threading
import time

import numpy as np

from formcheck.engine.pipeline import Pipeline
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.cues import CueMaker
from formcheck.feedback.voice import BellEngine, Speaker, create_speaker
from formcheck.sources.video import SourceInfo
from tests.synthetic import bridge_track, schedule


class SlowEngine:
    """Records when each cue started and ended; speaking takes ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.said: list[tuple[str, float, float]] = []
        self._busy = threading.Lock()

    def speak(self, text: str) -> None:
        if not self._busy.acquire(blocking=False):
            raise AssertionError("spoke over itself")
        start = time.monotonic()
        time.sleep(self.seconds)
        self.said.append((text, start, time.monotonic()))
        self._busy.release()


def test_say_never_blocks_and_cues_never_overlap():
    engine = SlowEngine(0.15)
    speaker = Speaker(engine)
    started = time.monotonic()
    for text in ("1", "2", "3"):
        speaker.say(text, max_age_s=5.0)
    assert time.monotonic() - started < 0.05
    speaker.close(wait_s=2.0)
    assert [s[0] for s in engine.said] == ["1", "2", "3"]
    assert all(a[2] <= b[1] for a, b in zip(engine.said, engine.said[1:]))


def test_stale_cues_are_dropped_and_messages_not_repeated():
    engine = SlowEngine(0.3)
    speaker = Speaker(engine, repeat_after_s=10.0)
    speaker.say("Hold", max_age_s=5.0)
    speaker.say("3", max_age_s=0.1)  # would be said 0.3 s late: dropped
    for _ in range(30):  # a form message present on every frame is said once
        speaker.say("Move more slowly.", max_age_s=5.0, repeat=False)
    speaker.close(wait_s=2.0)
    assert [s[0] for s in engine.said] == ["Hold", "Move more slowly."]


def test_muted_speaker_says_nothing_until_unmuted():
    engine = SlowEngine(0.0)
    speaker = Speaker(engine, muted=True)
    speaker.say("1", max_age_s=5.0)
    assert speaker.toggle_mute() is False
    speaker.say("2", max_age_s=5.0)
    speaker.close(wait_s=1.0)
    assert [s[0] for s in engine.said] == ["2"]


def test_without_espeak_one_warning_and_a_bell():
    warnings: list[str] = []
    speaker = create_speaker(False, warnings.append, which=lambda name: None)
    assert isinstance(speaker.engine, BellEngine) and len(warnings) == 1 and "espeak-ng" in warnings[0]
    speaker.close()
    assert (
        create_speaker(True, warnings.append, bell_stream=io.StringIO(), which=lambda name: None) and len(warnings) == 1
    )


def test_cues_for_a_bridge_held_to_the_target():
    """Hold... 3, 2, 1, done, then the rep count once back down."""
    t, lift = schedule(30.0, [(1.0, 0, 0), (0.6, 0, 1), (13.0, 1, 1), (0.6, 1, 0), (1.0, 0, 0)])
    exercise = load_exercise("bridge")
    pipeline = Pipeline(exercise, SourceInfo("synthetic", 30.0, len(t), (640, 480)))
    cues = CueMaker(one_sided=False)
    said = [cue.text for pose in bridge_track(lift, t).frames() for cue in cues.update(pipeline.step(pose))]
    assert said == ["Hold", "3", "2", "1", "done", "1"]
    assert np.isclose(exercise.hold.target_s, 12.0)
