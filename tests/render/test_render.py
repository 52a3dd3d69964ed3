"""End-to-end: a tiny clip through the GL renderer (needs the render extra)."""

import json

import numpy as np
import pytest

pytest.importorskip("moderngl")
cv2 = pytest.importorskip("cv2")

from tools.render.clip import ClipSpec, render_clip  # noqa: E402


def test_tiny_clip_writes_video_and_consistent_ground_truth(tmp_path):
    spec = ClipSpec(exercise="bridge", out=tmp_path / "b.mp4", reps=1, hold_s=0.3, width=160, height=96, fps=6.0)
    video, gt_path = render_clip(spec)
    gt = json.loads(gt_path.read_text())
    cap = cv2.VideoCapture(str(video))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    assert len(frames) == gt["frames"] == len(gt["t"])
    assert frames[0].shape == (96, 160, 3)
    assert gt["width"] == 160 and gt["fps"] == 6.0
    assert len(gt["reps"]) == 1 and len(gt["holds"]) == 1
    # The body is on screen: the nose landmark lands on a non-background pixel region.
    nose = np.array(gt["joints2d"]["nose"][0])
    assert 0 <= nose[0] < 160 and 0 <= nose[1] < 96
    assert np.std(frames[0].astype(float)) > 10
