"""Ground truth: MediaPipe-named landmarks, image-plane angles and the JSON file.

Why exact: every landmark is read from the very pose that was rendered
(a rig joint, or a mesh vertex for face and foot points), and projected with
the same camera, so labels carry no annotation error.

A hold is the time the pose is within 5 % of its peak excursion
(``schedule.HOLD_WITHIN``), not only the instants it is exactly at the peak:
the ends of an eased move are too slow to be told from holding still.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from tools.render.body import Body, BodyShape
from tools.render.camera import CameraPath
from tools.render.schedule import Timeline, hold_window

SCHEMA = "formcheck.groundtruth/1"
JOINT_LANDMARKS = {
    "shoulder": "upperarm01",
    "elbow": "lowerarm01",
    "wrist": "wrist",
    "hip": "upperleg01",
    "knee": "lowerleg01",
    "ankle": "foot",
}
LANDMARKS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee",
    "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip
# angle name -> (a, vertex, b): the angle at the vertex landmark.
ANGLES = {
    f"{s}_{name}": (f"{s}_{a}", f"{s}_{v}", f"{s}_{b}")
    for s in ("left", "right")
    for name, (a, v, b) in {
        "knee": ("hip", "knee", "ankle"),
        "hip": ("shoulder", "hip", "knee"),
        "elbow": ("shoulder", "elbow", "wrist"),
        "shoulder": ("elbow", "shoulder", "hip"),
    }.items()
}


def landmarks_3d(body: Body, joints: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """(21, 3) world positions in ``LANDMARKS`` order for one posed frame."""
    out = np.empty((len(LANDMARKS), 3))
    for i, name in enumerate(LANDMARKS):
        side, _, part = name.partition("_")
        if part in JOINT_LANDMARKS:
            out[i] = joints[body.bone(f"{JOINT_LANDMARKS[part]}.{side[0].upper()}")]
        else:
            out[i] = vertices[body.landmark_vertices[name]]
    return out


def angle_deg(a: np.ndarray, v: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle a-v-b in degrees, for arrays of 2D or 3D points."""
    u, w = a - v, b - v
    cos = np.sum(u * w, axis=-1) / np.maximum(np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1), 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def image_angles(points2d: np.ndarray) -> dict[str, np.ndarray]:
    """Angles from (frames, 21, 2) image points, named as in ``ANGLES``."""
    idx = {n: i for i, n in enumerate(LANDMARKS)}
    return {
        name: angle_deg(points2d[:, idx[a]], points2d[:, idx[v]], points2d[:, idx[b]])
        for name, (a, v, b) in ANGLES.items()
    }


def build(
    exercise: str,
    timeline: Timeline,
    cameras: CameraPath,
    shape: BodyShape,
    fps: float,
    sides: str,
    points3d: np.ndarray,
    include_3d: bool = True,
) -> dict:
    """The ground-truth document for a clip (see the module docstring).

    Times are on the clip's own timeline: a rep already under way at 0 s (a clip that
    starts mid-movement) starts at 0, and so does its hold if it is already held.
    """
    frames = len(points3d)
    camera = cameras.camera
    points2d = cameras.project(points3d)
    reps = [
        {"index": r.index, "side": r.side, "start_s": round(max(r.start_s, 0.0), 3),
         "peak_s": round(r.peak_s, 3), "end_s": round(r.end_s, 3)}
        for r in timeline.reps
    ]  # fmt: skip
    holds = [
        {"start_s": round(max(start, 0.0), 3), "end_s": round(end, 3), "side": r.side}
        for r, (start, end) in ((r, hold_window(r)) for r in timeline.reps)
        if r.hold_end_s - r.peak_s > 0.05
    ]
    faults = [
        {"name": f, "start_s": round(max(r.start_s, 0.0), 3), "end_s": round(r.end_s, 3), "rep_index": r.index}
        for r in timeline.reps
        for f in sorted(r.faults)
    ]
    doc = {
        "schema": SCHEMA,
        "exercise": exercise,
        "fps": fps,
        "frames": frames,
        "width": camera.width,
        "height": camera.height,
        "camera": {
            "azimuth_deg": camera.azimuth_deg,
            "elevation_deg": camera.elevation_deg,
            "distance_m": round(camera.distance_m, 3),
            "target_m": [round(float(c), 3) for c in camera.target],
            "fov_y_deg": camera.fov_y_deg,
        },
        "body": asdict(shape),
        "sides": sides,
        "reps": reps,
        "holds": holds,
        "faults": faults,
        "t": [round(i / fps, 4) for i in range(frames)],
        "joints2d": {n: np.round(points2d[:, i], 1).tolist() for i, n in enumerate(LANDMARKS)},
        "angles": {n: np.round(a, 1).tolist() for n, a in image_angles(points2d).items()},
    }
    if include_3d:
        doc["joints3d"] = {n: np.round(points3d[:, i], 3).tolist() for i, n in enumerate(LANDMARKS)}
    return doc


def write(doc: dict, path: Path) -> None:
    path.write_text(json.dumps(doc, separators=(",", ":")))
