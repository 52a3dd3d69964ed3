"""Selfie-mirrored recordings (``--mirrored``): the person's own sides, whatever the picture shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import MIRRORED_ORDER, NUM_LANDMARKS, Landmark
from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import AnalysisOptions, analyze
from formcheck.reports.report import build_report
from formcheck.sources.track import Track
from tests.fakes import write_clip
from tests.test_web_api import make_client, wait_done

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def truth_track(name: str) -> Track:
    """The sample's exact rendered landmarks as a track (the pose model's part skipped);
    landmarks the renderer does not name (eye corners, fingers) sit on a named one, unseen."""
    truth = json.loads((SAMPLES / f"{name}.json").read_text())
    n = len(truth["t"])
    xy = np.zeros((n, NUM_LANDMARKS, 2))
    visibility = np.zeros((n, NUM_LANDMARKS))
    for mark in Landmark:
        named = truth["joints2d"].get(mark.name.lower())
        if named is None:
            side = "left" if "LEFT" in mark.name or mark.name.startswith("MOUTH_L") else "right"
            named = truth["joints2d"][f"{side}_wrist" if mark.value > 10 else "nose"]
        else:
            visibility[:, mark] = 1.0
        xy[:, mark] = np.asarray(named, dtype=float)
    size = (truth["width"], truth["height"])
    return Track("truth", truth["fps"], size, np.asarray(truth["t"]), xy, np.zeros((n, NUM_LANDMARKS)), visibility)


def left_knee_hug() -> Track:
    """The knee-to-chest sample's first 8 s: one rep, hugging the left knee (1.5-7.6 s)."""
    track = truth_track("knee_to_chest")
    keep = track.t < 8.0
    return Track(
        track.source, track.fps, track.image_size, track.t[keep], track.xy[keep], track.z[keep], track.visibility[keep]
    )


def by_side(path: Path, mirrored: bool) -> dict[str, int]:
    session = analyze(path, load_exercise("knee_to_chest"), lambda: None, AnalysisOptions(mirrored=mirrored))
    return build_report(session).rep_count_by_side


def test_mirroring_swaps_left_and_right_landmarks_only():
    rng = np.random.default_rng(0)
    frame = PoseFrame(
        0, 0.0, (640, 480), rng.random((33, 2)), rng.random(33), rng.random(33), world=rng.random((33, 3))
    )
    flipped = frame.mirrored()
    assert np.array_equal(flipped.xy[Landmark.LEFT_KNEE], frame.xy[Landmark.RIGHT_KNEE])
    assert np.array_equal(flipped.world[Landmark.RIGHT_HIP], frame.world[Landmark.LEFT_HIP])
    assert np.array_equal(flipped.xy[Landmark.NOSE], frame.xy[Landmark.NOSE])
    assert np.array_equal(flipped.mirrored().visibility, frame.visibility)
    assert sorted(MIRRORED_ORDER) == list(range(NUM_LANDMARKS))


def test_a_mirrored_recording_counts_each_rep_on_the_persons_own_side(tmp_path):
    # The sample hugs the left knee (1.5-7.6 s), then the right one (from 8.6 s): its
    # first 8 s show one left rep, which --mirrored must count as a right one.
    path = tmp_path / "left_only.npz"
    left_knee_hug().save(path)
    assert by_side(path, mirrored=False) == {"left": 1, "right": 0}
    assert by_side(path, mirrored=True) == {"left": 0, "right": 1}


def test_the_web_upload_can_say_the_video_is_mirrored(tmp_path, history_db):
    track = left_knee_hug()
    clip = write_clip(tmp_path / "clip.mp4", len(track.t), track.fps)
    sides = {}
    with make_client(track, history_db) as client:
        for mirrored in ("0", "1"):
            with clip.open("rb") as f:
                data = {"exercise": "knee_to_chest", "mirrored": mirrored}
                r = client.post("/api/analyses", data=data, files={"video": ("c.mp4", f)})
            job = wait_done(client, r.json()["id"])
            assert job["status"] == "done", job
            sides[mirrored] = client.get(job["files"]["report.json"]).json()["rep_count_by_side"]
    assert sides == {"0": {"left": 1, "right": 0}, "1": {"left": 0, "right": 1}}
