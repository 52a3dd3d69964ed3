"""Landmark tracks made from a rendered clip's ground truth (``samples/*.json``).

The renderer records the true image position of 21 MediaPipe-named landmarks in every
frame; the other 12 (the inner and outer eyes, the mouth, the fingers) are put on the
nearest recorded one. Every point is fully visible and at depth 0: the exact pose, with
none of the pose model's errors, so recognition can be tested on every seed exercise
in milliseconds.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.core.frame import NUM_LANDMARKS
from formcheck.core.landmarks import Landmark
from formcheck.sources.track import Track

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NEAREST_RECORDED = {
    **{f"{side}_eye_{part}": f"{side}_eye" for side in ("left", "right") for part in ("inner", "outer")},
    **{f"{side}_{finger}": f"{side}_wrist" for side in ("left", "right") for finger in ("pinky", "index", "thumb")},
    "mouth_left": "nose",
    "mouth_right": "nose",
}


def truth_track(truth_json: Path) -> Track:
    """The track of a rendered clip's true landmark positions."""
    return track_of_truth(json.loads(truth_json.read_text()), str(truth_json))


def track_of_truth(truth: dict, name: str) -> Track:
    """The track of a ground-truth document (``tools/render``'s JSON, or
    ``tools.render.clip.ground_truth`` for a clip that was never drawn)."""
    n = truth["frames"]
    xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
    for landmark in Landmark:
        name = landmark.name.lower()
        xy[:, landmark] = np.array(truth["joints2d"].get(name) or truth["joints2d"][NEAREST_RECORDED[name]], float)
    size = (truth["width"], truth["height"])
    zeros, ones = np.zeros((n, NUM_LANDMARKS)), np.ones((n, NUM_LANDMARKS))
    return Track(name, truth["fps"], size, np.array(truth["t"], float), xy, zeros, ones)


def stitched(parts: list[Track], name: str = "routine") -> tuple[Track, list[Track], list[float]]:
    """Tracks one after another on one timeline (a routine recording with no pause
    between exercises), each part re-timed to its stretch of it, and where each part
    starts and ends (the cuts: first start, every boundary, last end)."""
    times, cuts, at = [], [0.0], 0.0
    for part in parts:
        times.append(part.t - part.t[0] + at)
        at = float(times[-1][-1]) + 1.0 / part.fps
        cuts.append(at)
    timed = [replace(part, t=t) for part, t in zip(parts, times, strict=True)]
    stack = lambda field: np.concatenate([getattr(p, field) for p in parts])  # noqa: E731
    whole = Track(
        name, parts[0].fps, parts[0].image_size, np.concatenate(times), stack("xy"), stack("z"), stack("visibility")
    )
    return whole, timed, cuts
