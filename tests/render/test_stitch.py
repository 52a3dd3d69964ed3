"""The stitcher's merged ground truth: a mid-rep cut is one rep, cards have no person."""

import json

import numpy as np
import pytest

pytest.importorskip("moderngl")
cv2 = pytest.importorskip("cv2")

from tools.render.clip import ClipSpec, render_clip  # noqa: E402
from tools.render.stitch import Caption, Card, Edit, Take, main, stitch  # noqa: E402

FPS = 5.0


@pytest.fixture(scope="module")
def angles(tmp_path_factory):
    """The same two-rep bridge (same seed and schedule) from two azimuths."""
    root = tmp_path_factory.mktemp("stitch")
    out = []
    for az in (0.0, 40.0):
        spec = ClipSpec(out=root / f"az{az:.0f}.mp4", reps=2, hold_s=0.4, tempo=2.0, azimuth_deg=az, width=96,
                        height=64, fps=FPS, include_3d=False)  # fmt: skip
        video, gt = render_clip(spec)
        out.append((video, json.loads(gt.read_text())))
    return out


def frame_count(video) -> int:
    cap = cv2.VideoCapture(str(video))
    n = 0
    while cap.read()[0]:
        n += 1
    return n


def test_a_cut_to_another_angle_mid_rep_is_one_rep_on_the_new_timeline(angles, tmp_path):
    (a, gt_a), (b, _) = angles
    rep = gt_a["reps"][0]
    cut = round((rep["start_s"] + rep["peak_s"]) / 2 * FPS) / FPS  # on the way up
    edit = Edit(
        (Card("Bridges", 1.0), Take(a, 0.0, cut), Take(b, cut, None, fade_out_s=0.6), Card("The end", 0.8)),
        (Caption("Squeeze", 2.0, 3.0),),
    )
    video, gt_path = stitch(edit, tmp_path / "edit.mp4")
    gt = json.loads(gt_path.read_text())
    assert [r["index"] for r in gt["reps"]] == [0, 1]  # not three: the cut rep counts once
    for merged, orig in zip(gt["reps"], gt_a["reps"]):
        for k in ("start_s", "peak_s", "end_s"):
            assert merged[k] == pytest.approx(orig[k] + 1.0, abs=1e-3)
    assert len(gt["holds"]) == 2 and gt["holds"][0]["start_s"] == pytest.approx(gt_a["holds"][0]["start_s"] + 1.0)
    card, end_card = 5, 4  # frames
    assert gt["frames"] == card + gt_a["frames"] + end_card == frame_count(video) == len(gt["person"])
    assert not any(gt["person"][:card]) and not any(gt["person"][-end_card:]) and all(gt["person"][card:-end_card])
    assert gt["joints2d"]["nose"][0] is None and gt["angles"]["left_knee"][-1] is None
    assert [s["kind"] for s in gt["shots"]] == ["card", "take", "take", "card"]
    assert gt["shots"][2]["start_s"] == pytest.approx(1.0 + cut) and gt["shots"][2]["camera"]["azimuth_deg"] == 40.0
    assert gt["joints2d"]["nose"][card] == gt_a["joints2d"]["nose"][0]

    cap = cv2.VideoCapture(str(video))
    frames = [cap.read()[1] for _ in range(gt["frames"])]
    assert frames[0].std() < 40 and np.median(frames[0]) == pytest.approx(np.median(frames[1]), abs=3)  # plain card
    last_take = card + gt_a["frames"] - 1
    assert frames[last_take].mean() < 8  # faded to black
    caption = int(2.5 * FPS)
    lower = slice(int(64 * 0.75), int(64 * 0.88))
    assert frames[caption][lower].mean() < frames[card + 1][lower].mean() - 30  # the dark caption box


def test_a_take_that_cuts_a_rep_without_continuing_it_is_refused(angles, tmp_path):
    (a, gt_a), (b, _) = angles
    rep = gt_a["reps"][0]
    cut = (rep["start_s"] + rep["peak_s"]) / 2
    with pytest.raises(ValueError, match="cuts rep 0"):
        stitch(Edit((Take(a, 0.0, cut), Take(b, cut + 1.0, None))), tmp_path / "bad.mp4")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_cli_refuses_to_replace_an_existing_file(angles, tmp_path, capsys):
    (a, _), _ = angles
    out = tmp_path / "e.mp4"
    out.write_bytes(b"mine")
    with pytest.raises(SystemExit) as exc:
        main([str(a), "-o", str(out)])
    assert exc.value.code == 2 and out.read_bytes() == b"mine"
    assert "exists" in capsys.readouterr().err
