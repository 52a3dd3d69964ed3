"""The pose backends behind their one interface: choosing them, and their clean errors.

The Tasks backend needs a user-supplied ``.task`` model (none ships with MediaPipe and
nothing may be downloaded), so only its failure paths can be tested here.
"""
from __future__ import annotations

import numpy as np
import pytest

from formcheck.cli import DEMO_SAMPLE
from formcheck.errors import InputError
from formcheck.frame import PoseFrame
from formcheck.pose import create_estimator
from tests.test_cli import cli


def test_unknown_backend():
    with pytest.raises(InputError, match="unknown pose backend 'openpose'; choose one of: mediapipe, tasks"):
        create_estimator("openpose")


def test_tasks_backend_needs_a_model(tmp_path):
    code, _, err = cli("analyze", str(DEMO_SAMPLE), "-e", "bridge", "--backend", "tasks", "--no-history")
    assert code == 3 and "needs --model PATH" in err
    code, _, err = cli("analyze", str(DEMO_SAMPLE), "-e", "bridge", "--backend", "tasks", "--model", str(tmp_path / "none.task"), "--no-history")
    assert code == 3 and "pose model not found" in err
    bogus = tmp_path / "bogus.task"
    bogus.write_bytes(b"not a model")
    code, _, err = cli("analyze", str(DEMO_SAMPLE), "-e", "bridge", "--backend", "tasks", "--model", str(bogus), "--no-history")
    assert code == 3 and "cannot load pose model" in err and err.count("\n") == 1


def test_bundled_backend_finds_the_rendered_person():
    import cv2

    estimator = create_estimator()
    capture = cv2.VideoCapture(str(DEMO_SAMPLE))
    ok, image = capture.read()
    capture.release()
    assert ok
    frame = estimator.estimate(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), 0, 0.0)
    estimator.close()
    assert isinstance(frame, PoseFrame) and frame.has_person
    h, w = image.shape[:2]
    assert frame.image_size == (w, h)
    assert np.all((frame.xy[:, 0] > -w) & (frame.xy[:, 0] < 2 * w))  # pixels, not normalised
    assert frame.visibility.mean() > 0.5


def test_an_image_without_a_person_gives_an_empty_frame():
    estimator = create_estimator()
    frame = estimator.estimate(np.full((240, 320, 3), 128, np.uint8), 0, 0.0)
    estimator.close()
    assert not frame.has_person and frame.visibility.max() == 0.0
