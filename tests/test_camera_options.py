"""Camera options of live and routine: --camera-size, --fps, --mirror-window, and 'formcheck cameras'."""

from __future__ import annotations

import argparse
import io

import cv2
import numpy as np
import pytest

from formcheck.cli.live import frame_size, run_cameras
from formcheck.sources.camera import CameraReader, CameraSettings, MirroredReader, list_cameras
from tests.fakes import FakeCamera
from tests.test_cli import cli


class RecordingCamera(FakeCamera):
    """Remembers what it was asked for."""

    def __init__(self, frames: int, opens: bool = True) -> None:
        super().__init__(frames, opens=opens)
        self.asked: dict[int, float] = {}

    def set(self, prop: int, value: float) -> bool:
        self.asked[prop] = value
        return True


@pytest.mark.parametrize("text, size", [("640x480", (640, 480)), ("1280X720", (1280, 720))])
def test_camera_size_parses(text, size):
    assert frame_size(text) == size


@pytest.mark.parametrize("text", ["640", "640x", "x480", "64ox480", "0x0", "99999x480", "²x480"])
def test_bad_camera_sizes_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        frame_size(text)


def test_the_camera_is_asked_for_size_and_rate():
    camera = RecordingCamera(3)
    CameraReader(0, opener=lambda index: camera, settings=CameraSettings((640, 480), 15.0)).close()
    assert camera.asked[cv2.CAP_PROP_FRAME_WIDTH] == 640 and camera.asked[cv2.CAP_PROP_FRAME_HEIGHT] == 480
    assert camera.asked[cv2.CAP_PROP_FPS] == 15.0


def test_size_and_rate_are_for_cameras_only(tmp_path):
    code, _, err = cli("live", "--source", str(tmp_path / "clip.mp4"), "-e", "bridge", "--fps", "10", "--no-window")
    assert code == 2 and "--camera-size and --fps are for a camera" in err


def test_mirror_window_flips_the_picture():
    reader = CameraReader(0, opener=lambda index: FakeCamera(2))
    original = next(CameraReader(0, opener=lambda index: FakeCamera(2)).frames()).image_bgr
    flipped = next(MirroredReader(reader).frames()).image_bgr
    assert np.array_equal(flipped, original[:, ::-1])


def test_cameras_lists_those_that_open():
    found = list_cameras(range(4), opener=lambda index: FakeCamera(1, opens=index in (0, 2)))
    assert [index for index, _ in found] == [0, 2]
    out = io.StringIO()
    run_cameras(out, lambda: found)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("2  ") and "formcheck live --source 2" in lines[1]
    out = io.StringIO()
    run_cameras(out, lambda: [])
    assert out.getvalue().startswith("no camera found")
