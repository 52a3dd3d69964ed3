"""Exact, generated inputs for tests: measure sequences and side-view landmark tracks.

The bridge track is a 2D kinematic stick figure lying on its back, seen side-on: the
shoulders and feet stay on the floor and the hips rise by ``lift`` (0 = down,
1 = knees, hips and shoulders in line). Its true hip angle is known exactly, so
counting can be tested through every stage without the pose model.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import Landmark as L
from formcheck.sources.track import Track

FLOOR_Y = 400.0
SIZE = (640, 480)


def schedule(fps: float, pieces: list[tuple[float, float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Piecewise-linear signal: each piece is (duration_s, from_value, to_value)."""
    t, v, t0 = [], [], 0.0
    for duration, a, b in pieces:
        n = max(int(round(duration * fps)), 1)
        for i in range(n):
            t.append(t0 + i / fps)
            v.append(a + (b - a) * i / n)
        t0 += n / fps
    return np.array(t), np.array(v)


KNEES_UP = (260.0, FLOOR_Y - 120)  # knees bent, feet flat: the bridge's start
FEET_IN = (200.0, FLOOR_Y - 5)
TWIST = ((290.0, FLOOR_Y + 40), (240.0, FLOOR_Y + 10))  # (knee, heel): knees dropped towards the camera
LEGS_STRAIGHT = ((250.0, FLOOR_Y + 20), (120.0, FLOOR_Y + 10))  # (knee, heel) lying flat, knees a little low


def bridge_frame(
    index: int,
    t: float,
    lift: float,
    near: str = "left",
    jitter: float = 0.0,
    rng: np.random.Generator | None = None,
    knee_at: tuple[float, float] = KNEES_UP,
    heel_at: tuple[float, float] = FEET_IN,
) -> PoseFrame:
    """A supine person, head to the right, hips raised by ``lift`` in [0, 1]; the knees
    and heels can be put elsewhere (a lying twist, legs straight)."""
    shoulder = np.array([470.0, FLOOR_Y - 15])
    heel = np.array(heel_at)
    knee = np.array(knee_at)
    hip_down = np.array([360.0, FLOOR_Y - 25])
    on_line = shoulder + (knee - shoulder) * np.dot(hip_down - shoulder, knee - shoulder) / np.dot(
        knee - shoulder, knee - shoulder
    )
    hip = hip_down + (on_line - hip_down) * lift
    pts = {
        "shoulder": shoulder,
        "hip": hip,
        "knee": knee,
        "ankle": heel + [5, -10],
        "heel": heel,
        "foot_index": heel + [-40, 0],
        "elbow": shoulder + [-60, 8],
        "wrist": shoulder + [-120, 10],
        "ear": shoulder + [45, -12],
        "eye": shoulder + [62, -22],
        "eye_inner": shoulder + [64, -23],
        "eye_outer": shoulder + [58, -20],
        "pinky": shoulder + [-135, 10],
        "index": shoulder + [-138, 10],
        "thumb": shoulder + [-130, 8],
    }
    xy = np.zeros((len(L), 2))
    z = np.zeros(len(L))
    for mark in L:
        name = mark.name.lower()
        if name == "nose":
            xy[mark] = shoulder + [70, -30]
            continue
        if name in ("mouth_left", "mouth_right"):
            xy[mark] = shoulder + [66, -14]
            continue
        side, part = name.split("_", 1)
        xy[mark] = pts[part] + ([0, 2] if side != near else [0, 0])
        z[mark] = -20.0 if side == near else 20.0
    if jitter and rng is not None:
        xy = xy + rng.normal(0.0, jitter, xy.shape)
    return PoseFrame(index, t, SIZE, xy, z, np.full(len(L), 0.95))


def bridge_track(lifts: np.ndarray, t: np.ndarray, jitter: float = 0.0, seed: int = 0, fps: float = 30.0) -> Track:
    rng = np.random.default_rng(seed)
    frames = [bridge_frame(i, float(ti), float(u), jitter=jitter, rng=rng) for i, (ti, u) in enumerate(zip(t, lifts))]
    return Track.from_frames(frames, "synthetic bridge", fps)
