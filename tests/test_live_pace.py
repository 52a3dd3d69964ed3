"""Live on a source that is slow or a file: the slow-processing warning, a file that
pauses (space) and whose clock starts after the countdown."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.exercises.loader import load_exercise
from formcheck.feedback.display import NullDisplay
from formcheck.feedback.voice import SilentEngine, Speaker
from formcheck.live.coach import LiveCoach, LiveOptions
from formcheck.live.rate_watch import Bottleneck, RateParams, RateWatch
from formcheck.pose import BACKENDS
from formcheck.sources import camera as capture
from formcheck.sources.camera import LatestFrameGrabber, PacedFile
from formcheck.sources.track import Track
from tests.fakes import FakeCamera, TrackEstimator, slow_track_backend, track_backend, two_bridges, write_clip
from tests.test_cli import cli


@pytest.fixture
def bridges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, int]:
    monkeypatch.setitem(BACKENDS, "track", track_backend)
    monkeypatch.setitem(BACKENDS, "slowtrack", slow_track_backend)
    track = two_bridges(tmp_path / "track.npz", rest_s=0.6)
    clip = write_clip(tmp_path / "clip.mp4", len(track.t))
    return clip, tmp_path / "track.npz", len(track.t)


def options(track: Path, backend: str = "track", countdown: str = "0") -> list[str]:
    return ["--backend", backend, "--model", str(track), "--mute", "--countdown", countdown]


def test_rate_watch_warns_once_after_a_whole_slow_window_and_clears_with_margin():
    watch = RateWatch(RateParams(min_fps=10.0, window_s=2.0))
    fast = [watch.update(i / 30, 0) for i in range(90)]  # 3 s at 30 fps
    assert not any(fast) and watch.slow is None
    t0 = 3.0
    slow = [watch.update(t0 + i / 4, 2 * i) for i in range(1, 13)]  # 4 fps, frames dropped
    notices = [n for n in slow if n is not None]
    assert len(notices) == 1 and notices[0].bottleneck is Bottleneck.PROCESSING
    assert notices[0].fps < 10.0 and watch.slow is not None  # the average of the last 2 s
    t1 = t0 + 3.0
    for i in range(1, 31):  # 11 fps: above the minimum, not above it with the margin
        watch.update(t1 + i / 11, 24)
    assert watch.slow is not None
    for i in range(1, 61):
        watch.update(t1 + 3.0 + i / 30, 24)
    assert watch.slow is None


def test_rate_watch_tells_a_slow_camera_from_slow_processing():
    watch = RateWatch(RateParams(min_fps=10.0, window_s=1.0))
    notices = [watch.update(i / 5, 0) for i in range(12)]  # 5 fps, nothing dropped
    assert [n.bottleneck for n in notices if n] == [Bottleneck.CAMERA]


def test_a_paused_file_skips_nothing_and_resumes_where_it_stopped(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", 30)  # 1 s at 30 fps
    reader = PacedFile(clip)
    got, started = [], time.monotonic()
    for frame in reader.frames():
        got.append((frame.index, time.monotonic() - started))
        if frame.index == 10:
            reader.pause()
            until = time.monotonic() + 0.6
            while time.monotonic() < until:
                time.sleep(0.01)
            reader.resume()
    assert [i for i, _ in got] == list(range(30))
    gap = got[11][1] - got[10][1]
    assert 0.6 <= gap < 0.75  # the pause, then the next frame at once (no burst skipped)
    assert got[-1][1] >= 1.5


def test_the_countdown_does_not_eat_the_start_of_a_file(tmp_path, bridges):
    """The clip starts with the first bridge after 0.6 s; a 2 s countdown that played
    the file would start counting in the middle of it (1 rep). Held, both count."""
    clip, track, frames = bridges
    started = time.monotonic()
    code, out, err = cli("live", "--source", str(clip), "-e", "bridge", "--no-window", *options(track, countdown="2"))
    assert code == 0, err
    assert "reps: 2, target 10" in out
    assert time.monotonic() - started >= frames / 30.0 + 1.8  # the countdown came on top of the clip


def test_slow_processing_is_said_once_with_what_helps(tmp_path, bridges):
    clip, track, _ = bridges
    code, out, err = cli("live", "--source", str(clip), "-e", "bridge", "--no-window", *options(track, "slowtrack"))
    assert code == 0, err
    warnings = [line for line in out.splitlines() if "warning:" in line]
    assert len(warnings) == 1, out
    assert "counting needs 10" in warnings[0] and "closing other programs" in warnings[0]
    assert "--camera-size" not in warnings[0]  # a file has no camera size to change


def test_a_slow_camera_run_suggests_a_smaller_camera_size(tmp_path, bridges, monkeypatch):
    _, track, frames = bridges
    monkeypatch.setattr(capture.cv2, "VideoCapture", lambda index: FakeCamera(frames))
    code, out, err = cli("live", "--source", "0", "-e", "bridge", "--no-window", *options(track, "slowtrack"))
    assert code == 3  # the fake camera is unplugged at its end
    warnings = [line for line in out.splitlines() if "warning:" in line]
    assert len(warnings) == 1 and "a smaller --camera-size (e.g. 640x480) or closing other programs" in warnings[0]


class SpaceTwice(NullDisplay):
    """Presses space on the first frame shown after ``at`` s, and again ``for_s`` later."""

    def __init__(self, at: float, for_s: float) -> None:
        self.presses = [time.monotonic() + at, time.monotonic() + at + for_s]

    def show(self, image_bgr: np.ndarray | None) -> list[str]:
        if self.presses and time.monotonic() >= self.presses[0]:
            self.presses.pop(0)
            return [" "]
        return []


class Recording(LatestFrameGrabber):
    def __init__(self, reader: PacedFile) -> None:
        super().__init__(reader)
        self.read_at: list[tuple[int, float]] = []  # (frame index, when it was read)

    def read(self, timeout: float = 0.1):
        frame = super().read(timeout)
        if frame is not None:
            self.read_at.append((frame.index, time.monotonic()))
        return frame


def test_space_pauses_a_file_and_the_session_misses_nothing(tmp_path, bridges):
    clip, track, frames = bridges
    started = time.monotonic()
    with Recording(PacedFile(clip)) as grabber:
        coach = LiveCoach(
            grabber,
            TrackEstimator(Track.load(track)),
            SpaceTwice(at=2.0, for_s=1.5),
            Speaker(SilentEngine(), muted=True),
            io.StringIO(),
            LiveOptions(countdown_s=0.0, show_stats=False),
        )
        outcome = coach.run(load_exercise("bridge"))
    assert outcome.session.counts.total == 2
    assert time.monotonic() - started >= frames / 30.0 + 1.4
    indices, times = np.array(grabber.read_at).T
    pause = int(np.argmax(np.diff(times)))  # the longest wait for a frame: the pause
    assert times[pause + 1] - times[pause] >= 1.3
    assert indices[pause + 1] - indices[pause] <= 3  # the file did not play on while paused
    assert indices[-1] == frames - 1
