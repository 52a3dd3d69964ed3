"""The newest-frame grabber: real-time pacing for files, dropping stale frames, lost cameras."""

from __future__ import annotations

import time

import pytest

from formcheck.core.errors import CameraError
from formcheck.sources.camera import CameraReader, LatestFrameGrabber, PacedFile
from tests.fakes import FakeCamera, write_clip


def test_file_is_played_at_its_own_pace_and_a_slow_reader_gets_the_newest_frame(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", 45)  # 1.5 s at 30 fps
    got = []
    started = time.monotonic()
    with LatestFrameGrabber(PacedFile(clip)) as grabber:
        while not grabber.finished:
            frame = grabber.read(timeout=0.5)
            if frame is not None:
                got.append((frame.index, grabber.now() - frame.timestamp_s))
                time.sleep(0.1)  # a slow pipeline: ~10 frames/s of a 30 frames/s source
    assert time.monotonic() - started >= 1.4
    indices = [i for i, _ in got]
    assert indices == sorted(set(indices)) and indices[-1] == 44
    assert grabber.dropped == 45 - len(got) and grabber.dropped >= 20
    delays = sorted(delay for _, delay in got)
    assert delays[len(delays) // 2] < 0.05 and delays[-1] < 0.5  # the newest frame: never a backlog


def test_camera_that_stops_sending_is_reported_after_its_frames():
    reader = CameraReader(0, opener=lambda index: FakeCamera(5), lost_after_s=0.2)
    with LatestFrameGrabber(reader) as grabber:
        frames = []
        with pytest.raises(CameraError, match="camera 0 stopped sending images"):
            while True:
                frame = grabber.read(timeout=0.5)
                if frame is not None:
                    frames.append(frame.index)
    assert frames and frames[-1] == 4


def test_camera_that_does_not_open():
    with pytest.raises(CameraError, match="cannot open camera 2"):
        CameraReader(2, opener=lambda index: FakeCamera(5, opens=False))
