"""``formcheck live`` without -e and ``routine --move-on-early`` (issue 13): the online
recogniser's decisions on scripted score streams, then the whole command on a stitched
file of two rendered exercises played at real-time pace as the camera."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.exercises.loader import load_exercise
from formcheck.pose import BACKENDS
from formcheck.recognition.online import Follower, FollowParams
from formcheck.recognition.scoring import Recognition
from formcheck.sources.track import Track
from tests.fakes import track_backend
from tests.test_cli import cli
from tests.test_live import fake_backend
from tests.truth_tracks import SAMPLES, truth_track

BRIDGE, COBRA, CAT, COW = (load_exercise(x) for x in ("bridge", "cobra", "cat_stretch", "cow_pose"))


def verdict(**scores: float) -> Recognition:
    """A verdict as ``recognise`` gives it: every score, best first; a winner at 0.3 or more."""
    ranked = sorted(((load_exercise(k), s) for k, s in scores.items()), key=lambda p: -p[1])
    best = ranked[0]
    return Recognition(best[0] if best[1] >= 0.3 else None, best[1], tuple(ranked))


def decisions(stream: list[Recognition], current=None, params: FollowParams | None = None) -> list[str | None]:
    follower = Follower(params or FollowParams())
    out = []
    for v in stream:
        chosen = follower.decide(v, current)
        out.append(chosen.id if chosen else None)
    return out


def test_a_steady_winner_is_proposed_after_the_steady_checks():
    stream = [verdict(bridge=0.6, cobra=0.1)] * 4
    assert decisions(stream, params=FollowParams(steady_checks=3)) == [None, None, "bridge", None]


def test_nothing_recognised_or_a_changing_winner_proposes_nothing():
    stream = [verdict(bridge=0.6), verdict(bridge=0.2), verdict(bridge=0.6), verdict(cobra=0.7), verdict(bridge=0.6)]
    assert decisions(stream, params=FollowParams(steady_checks=2)) == [None] * 5


def test_the_exercise_coached_is_never_proposed_again():
    assert decisions([verdict(bridge=0.9)] * 5, current=BRIDGE) == [None] * 5


def test_a_switch_needs_the_new_exercise_clearly_ahead_of_the_current_one():
    """A cat in a cat-cow flow scores as a cow too: close scores keep the cat."""
    close = [verdict(cow_pose=0.7, cat_stretch=0.6)] * 6
    assert decisions(close, current=CAT, params=FollowParams(steady_checks=2)) == [None] * 6
    clear = [verdict(cow_pose=0.8, cat_stretch=0.3)] * 2
    assert decisions(clear, current=CAT, params=FollowParams(steady_checks=2)) == [None, "cow_pose"]


def test_one_verdict_that_falls_back_restarts_the_count():
    stream = [verdict(cobra=0.8, bridge=0.2)] * 2 + [verdict(bridge=0.9, cobra=0.1)] + [verdict(cobra=0.8)] * 3
    assert decisions(stream, current=BRIDGE, params=FollowParams(steady_checks=3)) == [None] * 5 + ["cobra"]


def _stitch(parts: list[tuple[str, float]], folder: Path) -> tuple[Path, Path]:
    """A clip of the samples' first seconds one after another (``samples/*.mp4``) and the
    track of their true landmarks, frame for frame (the ``track`` backend's model)."""
    tracks, frames = [], []
    for name, seconds in parts:
        track = truth_track(SAMPLES / f"{name}.json")
        n = min(int(seconds * track.fps), len(track.t))
        tracks.append((track, n))
        video = cv2.VideoCapture(str(SAMPLES / f"{name}.mp4"))
        for _ in range(n):
            ok, image = video.read()
            assert ok
            frames.append(cv2.resize(image, (320, 240)))
        video.release()
    first = tracks[0][0]
    t = np.arange(sum(n for _, n in tracks)) / first.fps

    def joined(field: str) -> np.ndarray:
        return np.concatenate([getattr(track, field)[:n] for track, n in tracks])

    Track("stitched", first.fps, first.image_size, t, joined("xy"), joined("z"), joined("visibility")).save(
        folder / "stitched.npz"
    )
    writer = cv2.VideoWriter(str(folder / "stitched.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), first.fps, (320, 240))
    for image in frames:
        writer.write(image)
    writer.release()
    return folder / "stitched.mp4", folder / "stitched.npz"


@pytest.fixture
def bridge_then_cobra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """16 s of bridges (2 reps) then 16 s of cobra (2 reps)."""
    monkeypatch.setitem(BACKENDS, "track", track_backend)
    return _stitch([("bridge", 16.0), ("cobra", 16.0)], tmp_path)


def _said(out: str) -> list[str]:
    return [line.split("s  ", 1)[1] for line in out.splitlines() if "s  " in line]


@pytest.mark.slow
def test_live_without_exercise_follows_the_person_from_one_exercise_to_the_next(
    tmp_path, bridge_then_cobra, history_db
):
    clip, track = bridge_then_cobra
    report = tmp_path / "live.json"
    code, out, err = cli("live", "--source", str(clip), "--no-window", "--report", str(report), *fake_backend(track))
    assert code == 0, err
    assert "Start any exercise" in out
    said = _said(out)
    assert said.index("Now: Bridges") < said.index("Now: Cobra")
    switched = float(next(line for line in out.splitlines() if line.endswith("Now: Cobra")).split("s")[0])
    assert 16.0 < switched < 28.0  # after the cobra began, within a rep and a few checks
    data = json.loads(report.read_text())
    assert data["schema"] == "formcheck.routine/1"
    assert [e["exercise"] for e in data["exercises"]] == ["bridge", "cobra"]
    assert data["exercises"][0]["ended_by"] == "switch"
    assert data["exercises"][0]["rep_count"] >= 1  # the bridge after the one that made it recognisable
    code, history, _ = cli("history")
    rows = [line.split()[2] for line in history.splitlines()[1:] if line[:4].isdigit()]
    assert code == 0 and sorted(rows) == ["bridge", "cobra"]  # one session per exercise done


@pytest.mark.slow
def test_routine_moves_on_early_when_the_next_exercise_is_started(tmp_path, bridge_then_cobra):
    clip, track = bridge_then_cobra
    routine = tmp_path / "two.toml"
    routine.write_text('name = "Two"\n[[exercise]]\nid = "bridge"\nreps = 5\n[[exercise]]\nid = "cobra"\nreps = 2\n')
    report = tmp_path / "routine.json"
    code, out, err = cli(
        "routine", str(routine), "--move-on-early", "--source", str(clip), "--no-window", "--report", str(report),
        *fake_backend(track),
    )  # fmt: skip
    assert code == 0, err
    assert "Now: Cobra" in _said(out)
    first, second = json.loads(report.read_text())["exercises"]
    assert (first["exercise"], first["target_met"], first["ended_by"]) == ("bridge", False, "switch")
    assert first["rep_count"] < 5 and (second["exercise"], second["ended_by"]) == ("cobra", "source")
    assert "Bridges: " in out and "of 5 - stopped: you started the next exercise" in out  # not done
    assert "Two: 0 of 2 exercises done" in out or "Two: 1 of 2 exercises done" in out
