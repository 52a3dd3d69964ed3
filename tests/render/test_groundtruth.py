"""Schedule timing and ground-truth consistency (no GL needed)."""

import numpy as np
import pytest

from tools.render import groundtruth
from tools.render.body import BodyShape, load_body
from tools.render.camera import Camera, CameraPath
from tools.render.clip import pose_at, posed
from tools.render.motions import EXERCISES, Dims
from tools.render.schedule import LEAD_IN_S, build_timeline


def test_bridge_timeline_reps_and_holds():
    tl = build_timeline(EXERCISES["bridge"], 3, 3.0, "both", 1.0, {})
    assert len(tl.reps) == 3
    assert tl.reps[0].start_s == pytest.approx(LEAD_IN_S)
    for r in tl.reps:
        assert r.start_s < r.peak_s < r.hold_end_s < r.end_s
        assert r.hold_end_s - r.peak_s == pytest.approx(3.0, rel=0.06)
        assert tl.at(r.start_s)[0] == pytest.approx(0.0)
        assert tl.at((r.peak_s + r.hold_end_s) / 2)[0] == pytest.approx(r.peak_p)
        assert tl.at(r.end_s)[0] == pytest.approx(0.0, abs=1e-9)
    assert tl.at(0.5)[0] == 0.0
    assert tl.duration_s > tl.reps[-1].end_s


def test_sides_alternate_and_faults_target_reps():
    ex = EXERCISES["knee_to_chest"]
    tl = build_timeline(ex, 2, 1.0, "both", 1.0, {"too_fast": {1}})
    assert [r.side for r in tl.reps] == ["left", "right", "left", "right"]
    assert [bool(r.faults) for r in tl.reps] == [False, True, False, False]
    moves = [r.peak_s - r.start_s for r in tl.reps]
    assert moves[1] < moves[0] / 2


def posed_mid_hold(body, exercise: str, faults: dict):
    """(vertices, joints) halfway through the hold of a one-rep clip with ``faults``."""
    ex = EXERCISES[exercise]
    tl = build_timeline(ex, 1, 2.0, "both", 1.0, faults)
    r = tl.reps[0]
    verts, _, joints = posed(body, pose_at(ex, tl, Dims.of(body), (r.peak_s + r.hold_end_s) / 2, 0))
    return verts, joints


def test_hips_low_fault_lowers_the_bridge():
    body = load_body()
    heights = {}
    for faults in ({}, {"hips_low": None}):
        _, joints = posed_mid_hold(body, "bridge", faults)
        heights[bool(faults)] = joints[body.bone("root"), 1]
    assert heights[True] < heights[False] - 0.08


def test_angles_match_joints2d_and_straight_bridge_at_peak():
    body = load_body(BodyShape())
    dims = Dims.of(body)
    ex = EXERCISES["bridge"]
    tl = build_timeline(ex, 1, 2.0, "both", 1.0, {})
    r = tl.reps[0]
    times = [0.5, (r.peak_s + r.hold_end_s) / 2]
    pts = []
    for t in times:
        verts, _, joints = posed(body, pose_at(ex, tl, dims, t, 0))
        pts.append(groundtruth.landmarks_3d(body, joints, verts))
    cam = Camera(0, 0, 3.0, (0.0, 0.3, 0.0), 854, 480)
    doc = groundtruth.build("bridge", tl, CameraPath(cam, len(pts)), BodyShape(), 30.0, "none", np.stack(pts))
    assert doc["schema"] == "formcheck.groundtruth/1"
    assert set(doc["joints2d"]) == set(groundtruth.LANDMARKS)
    j2d = np.stack([np.array(doc["joints2d"][n]) for n in groundtruth.LANDMARKS], axis=1)
    recomputed = groundtruth.image_angles(j2d)
    for name, values in doc["angles"].items():
        np.testing.assert_allclose(values, recomputed[name], atol=0.3)
    # Side view: at rest the hips are flexed; at the peak knee-hip-shoulder is nearly straight.
    assert doc["angles"]["right_hip"][0] < 150
    assert doc["angles"]["right_hip"][1] > 165
    assert doc["reps"][0]["peak_s"] == pytest.approx(r.peak_s, abs=1e-3)
    # A hold runs while the pose is within 5 % of its peak: it starts before the peak
    # is reached and ends after lowering starts, by the same part of each eased move.
    hold = doc["holds"][0]
    assert r.start_s < hold["start_s"] < r.peak_s and r.hold_end_s < hold["end_s"] < r.end_s
    assert tl.at(hold["start_s"] + 1e-3)[0] == pytest.approx(0.95 * r.peak_p, abs=0.01)
    assert tl.at(hold["end_s"] - 1e-3)[0] == pytest.approx(0.95 * r.peak_p, abs=0.01)


def test_every_exercise_poses_without_error():
    body = load_body()
    dims = Dims.of(body)
    for ex in EXERCISES.values():
        tl = build_timeline(ex, 1, 0.5, "both", 1.0, {})
        r = tl.reps[0]
        for t in (0.0, (r.start_s + r.peak_s) / 2, r.peak_s):
            verts, _, _ = posed(body, pose_at(ex, tl, dims, t, 0))
            assert np.isfinite(verts).all()
            assert verts[:, 1].min() == pytest.approx(0.012, abs=1e-6)


@pytest.mark.parametrize("exercise", ["bridge", "lower_back_rotation"])
def test_hook_lying_pelvis_rests_on_the_mat(exercise):
    # Feet flat and buttocks down: neither end floats above the mat at the start.
    for shape in (BodyShape(1.58, 52.0, "female"), BodyShape(1.88, 98.0, "male")):
        body = load_body(shape)
        ex = EXERCISES[exercise]
        tl = build_timeline(ex, 1, 0.5, "both", 1.0, {})
        verts, _, _ = posed(body, pose_at(ex, tl, Dims.of(body), 0.5, 0))
        pelvis = verts[body.skin_bones[:, 0] == body.bone("root"), 1].min()
        assert pelvis < 0.012 + 0.03


def test_butt_off_heels_keeps_the_fold_but_lifts_the_hips():
    body = load_body()
    out = {}
    for faults in ({}, {"butt_off_heels": None}):
        verts, joints = posed_mid_hold(body, "childs_pose", faults)
        pts = groundtruth.landmarks_3d(body, joints, verts)[None]
        angles = groundtruth.image_angles(Camera(0, 8, 3.0, (0.0, 0.3, 0.0), 854, 480).project(pts))
        hands = min(joints[body.bone("wrist.L"), 1], joints[body.bone("wrist.R"), 1])
        out[bool(faults)] = (joints[body.bone("root"), 1], angles["right_hip"][0], hands)
    assert out[True][0] > out[False][0] + 0.15  # hips well above the heels
    assert out[True][1] < 60  # still folded over the thighs
    assert out[True][2] < 0.25  # hands reach down near the floor, not in mid-air


def test_hip_stretch_keeps_the_front_leg_straight_unless_the_fault_bends_it():
    # "bend forward with the other leg straight"; the fault is the lunge instead.
    body = load_body()
    idx = {n: i for i, n in enumerate(groundtruth.LANDMARKS)}
    knee_deg, trunk_up = {}, {}
    for faults in ({}, {"front_knee_bent": None}):
        verts, joints = posed_mid_hold(body, "hip_stretch", faults)
        pts = groundtruth.landmarks_3d(body, joints, verts)
        hip, knee, ankle = (pts[idx[f"left_{j}"]] for j in ("hip", "knee", "ankle"))  # rep 1 is the left leg in front
        a, b = hip - knee, ankle - knee
        knee_deg[bool(faults)] = np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
        trunk_up[bool(faults)] = pts[idx["left_shoulder"], 1] - pts[idx["left_hip"], 1]
    assert knee_deg[False] > 165 and knee_deg[True] < 150
    assert trunk_up[False] > 0 and trunk_up[False] < 0.45  # bent forward, not upright


@pytest.mark.parametrize("height_m", [1.0, 1.4, 2.3])
def test_hip_stretch_poses_every_body_size_with_and_without_the_fault(height_m):
    body = load_body(BodyShape(height_m, 30.0 + 40.0 * (height_m - 1.0), "female"))
    for faults in ({}, {"front_knee_bent": None}):
        verts, _ = posed_mid_hold(body, "hip_stretch", faults)
        assert np.isfinite(verts).all()
