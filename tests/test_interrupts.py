"""Ctrl-C and SIGTERM during an analysis: recorded as a request while the work runs,
answered at a frame boundary, and a second signal still interrupts at once."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from formcheck.core.errors import Terminated
from formcheck.core.interrupts import stop_requests
from formcheck.engine.evaluator import FrameState
from formcheck.engine.stride import StrideParams
from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import AnalysisOptions, analyze
from tests.fakes import TrackEstimator, two_bridges
from tests.synthetic import bridge_track, schedule
from tests.test_stride import clip_for

STAGE_THREADS = {"draw", "decode", "rules", "recognition"}  # core/threads stages of a recorded analysis


def stage_threads() -> list[str]:
    """The analysis's stage threads still running."""
    return [th.name for th in threading.enumerate() if th.name in STAGE_THREADS]


def test_a_signal_inside_the_block_only_sets_the_flag() -> None:
    with stop_requests() as stop:
        signal.raise_signal(signal.SIGINT)
        assert stop
        with pytest.raises(KeyboardInterrupt) as raised:
            stop.raise_if_set()
    assert not isinstance(raised.value, Terminated)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_sigterm_unwinds_as_terminated_and_a_second_signal_at_once() -> None:
    with stop_requests() as stop:
        signal.raise_signal(signal.SIGTERM)
        with pytest.raises(Terminated):
            stop.raise_if_set()
        with pytest.raises(Terminated):
            signal.raise_signal(signal.SIGTERM)  # the second one does not wait for a frame


def test_a_stop_ends_the_analysis_at_the_next_frame_and_its_threads(tmp_path: Path) -> None:
    t, lift = schedule(30.0, [(1.0, 0.0, 0.0), (2.0, 0.0, 1.0), (2.0, 1.0, 0.0)] * 4)
    path = tmp_path / "bridge.npz"
    bridge_track(lift, t).save(path)
    seen: list[float] = []
    with stop_requests() as stop:

        def signal_at_frame_20(state: FrameState) -> None:
            seen.append(state.t)
            if len(seen) == 20:
                # The rules run on their own thread: the signal goes to the main thread,
                # as the terminal's Ctrl-C may, and the rules wait until its handler has
                # recorded it, which takes moments.
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
                while not stop:
                    time.sleep(0.001)

        options = AnalysisOptions(out_video=tmp_path / "out.mp4", stop=stop)
        with pytest.raises(KeyboardInterrupt):
            analyze(path, load_exercise("bridge"), lambda: None, options, on_state=signal_at_frame_20)
    assert len(seen) == 20  # not one frame more
    assert stage_threads() == []


@pytest.mark.parametrize("stride", [None, StrideParams()], ids=["every frame", "stride"])
def test_a_stop_on_a_video_ends_the_decoding_looking_and_rules_threads(tmp_path: Path, stride) -> None:
    """On a video the pose stage looks at the pictures on the decode thread, ahead of the
    model: a stop still ends the analysis at the next frame, and every thread with it."""
    track = two_bridges(tmp_path / "track.npz", rest_s=1.0)
    clip = clip_for(track, tmp_path / "clip.mp4")
    seen: list[float] = []
    with stop_requests() as stop:

        def stop_at_frame_20(state: FrameState) -> None:
            seen.append(state.t)
            if len(seen) == 20:
                stop.set()

        options = AnalysisOptions(stop=stop, stride=stride)
        with pytest.raises(KeyboardInterrupt):
            analyze(clip, load_exercise("bridge"), lambda: TrackEstimator(track), options, on_state=stop_at_frame_20)
    assert len(seen) == 20
    assert stage_threads() == []


def test_an_error_in_the_rules_thread_reaches_the_caller_and_ends_every_thread(tmp_path: Path) -> None:
    track = two_bridges(tmp_path / "track.npz", rest_s=1.0)
    clip = clip_for(track, tmp_path / "clip.mp4")

    def fail_at_frame_10(state: FrameState) -> None:
        if state.frame.index == 10:
            raise ValueError("a caller's callback failed")

    with pytest.raises(ValueError, match="callback failed"):
        analyze(clip, load_exercise("bridge"), lambda: TrackEstimator(track), on_state=fail_at_frame_10)
    assert stage_threads() == []
