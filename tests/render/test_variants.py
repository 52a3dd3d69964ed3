"""Phone-style options and exercise variants of the renderer change what they should."""

import json

import numpy as np
import pytest

from tools.render import groundtruth
from tools.render.body import load_body
from tools.render.camera import Camera, lens_fov_y
from tools.render.clip import ClipSpec, pose_at, posed
from tools.render.motions import EXERCISES, Dims
from tools.render.schedule import build_timeline

FOOT_POINTS = ("left_heel", "right_heel", "left_foot_index", "right_foot_index")


def landmarks_at_peak(variant: str) -> dict[str, np.ndarray]:
    """World landmarks of a one-rep bridge mid-hold (no GL: posing only)."""
    body = load_body()
    ex = EXERCISES["bridge"]
    tl = build_timeline(ex, 1, 1.0, "both", 1.0, {})
    r = tl.reps[0]
    verts, _, joints = posed(body, pose_at(ex, tl, Dims.of(body), (r.peak_s + r.hold_end_s) / 2, 0, variant))
    pts = groundtruth.landmarks_3d(body, joints, verts)
    return {n: pts[i] for i, n in enumerate(groundtruth.LANDMARKS)}


def test_bridge_variants_change_the_pose():
    std = landmarks_at_peak("standard")
    left = landmarks_at_peak("single_leg_left")
    far = landmarks_at_peak("heels_far")
    hands = landmarks_at_peak("hands_behind_head")
    assert std["left_heel"][1] < 0.1 and left["left_heel"][1] > 0.4  # the lifted foot is off the floor
    assert left["right_heel"][1] < 0.1  # the other one stays down
    assert far["left_heel"][0] > std["left_heel"][0] + 0.1  # heels further from the hips
    assert far["left_hip"][1] < std["left_hip"][1] - 0.05  # a smaller lift
    for s in ("left", "right"):  # hands by the head, not by the hips
        assert np.linalg.norm(hands[f"{s}_wrist"] - hands["nose"]) < 0.3
        assert np.linalg.norm(std[f"{s}_wrist"] - std["nose"]) > 0.5


def test_unknown_variant_and_bad_start_are_refused():
    with pytest.raises(ValueError, match="variant"):
        ClipSpec(exercise="cobra", variant="heels_far")
    with pytest.raises(ValueError, match="start_at"):
        ClipSpec(start_at=1.5)


def test_portrait_keeps_the_lens_wide_along_the_tall_side():
    assert lens_fov_y(854, 480) == 40.0
    assert lens_fov_y(360, 640) == pytest.approx(2 * np.degrees(np.arctan(np.tan(np.radians(20)) * 640 / 360)))


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """Tiny one-rep bridge clips with each option, rendered once for the tests below."""
    pytest.importorskip("moderngl")
    from tools.render.clip import render_clip

    root = tmp_path_factory.mktemp("variants")
    options = {
        "plain": {},
        "portrait": {"width": 64, "height": 112},
        "drift": {"drift_deg": 40.0, "azimuth_deg": 10.0},
        "crop": {"crop_feet": True},
        "late": {"start_at": 0.7, "reps": 2},
        "early": {"start_at": 0.1, "reps": 2},
    }
    out = {}
    for name, kw in options.items():
        spec = ClipSpec(**{"out": root / f"{name}.mp4", "reps": 1, "hold_s": 0.4, "tempo": 2.0, "width": 112,
                           "height": 64, "fps": 5.0, **kw})  # fmt: skip
        video, gt = render_clip(spec)
        out[name] = (video, json.loads(gt.read_text()))
    return out


def joints(doc: dict, names) -> np.ndarray:
    """(frames, len(names), 2) pixel positions."""
    return np.stack([np.array(doc["joints2d"][n]) for n in names], axis=1)


def test_portrait_size_and_the_body_framed_in_it(renders):
    import cv2

    video, doc = renders["portrait"]
    ok, frame = cv2.VideoCapture(str(video)).read()
    assert ok and frame.shape[:2] == (112, 64)
    pts = joints(doc, groundtruth.LANDMARKS)
    assert (
        (pts[..., 0] > 0).all() and (pts[..., 0] < 64).all() and (pts[..., 1] > 0).all() and (pts[..., 1] < 112).all()
    )


def test_drift_moves_the_camera_over_the_clip(renders):
    _, doc = renders["drift"]
    cam = doc["camera"]
    assert doc["camera_drift_deg"] == 40.0
    pts3d = np.stack([np.array(doc["joints3d"][n]) for n in groundtruth.LANDMARKS], axis=1)
    for frame, az in ((0, -10.0), (doc["frames"] - 1, 30.0)):
        c = Camera(az, cam["elevation_deg"], cam["distance_m"], tuple(cam["target_m"]), 112, 64)
        assert np.abs(c.project(pts3d[frame]) - joints(doc, groundtruth.LANDMARKS)[frame]).max() < 0.2
    _, plain = renders["plain"]
    assert plain["camera"]["azimuth_deg"] == 0.0 and "camera_drift_deg" not in plain


def test_crop_feet_leaves_the_feet_out_of_frame(renders):
    def inside(doc, names):
        p = joints(doc, names)
        return (p[..., 0] >= 0) & (p[..., 0] < 112) & (p[..., 1] >= 0) & (p[..., 1] < 64)

    toes = ("left_foot_index", "right_foot_index")
    assert inside(renders["plain"][1], FOOT_POINTS).all()
    assert not inside(renders["crop"][1], toes).any()
    assert inside(renders["crop"][1], FOOT_POINTS).mean() < inside(renders["plain"][1], FOOT_POINTS).mean() / 2
    assert inside(renders["crop"][1], ("left_knee", "right_knee", "nose")).all()
    assert renders["crop"][1]["crop_feet"] is True


def test_start_at_drops_the_rep_the_clip_joins_after_its_peak(renders):
    late, early = renders["late"][1], renders["early"][1]
    assert len(late["reps"]) == 1 and len(late["holds"]) == 1  # joined on the way back: rep 0 dropped
    assert len(early["reps"]) == 2  # joined on the way up: seen reaching the position
    assert early["reps"][0]["start_s"] == 0.0 and early["reps"][0]["peak_s"] > 0
    assert early["reps"][1]["start_s"] - late["reps"][0]["start_s"] == pytest.approx(
        early["frames"] / 5.0 - late["frames"] / 5.0, abs=0.25
    )
    assert late["frames"] == len(late["t"]) < early["frames"]
