"""``formcheck live`` and ``formcheck routine`` end to end, headless, on a generated clip
played at its real pace, with the ``track`` fake backend standing in for the pose model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck.pose import BACKENDS
from formcheck.sources import camera as capture
from formcheck.sources.track import Track
from tests.fakes import FakeCamera, TrackEstimator, track_backend, two_bridges, write_clip
from tests.test_cli import cli
from tests.test_stride import clip_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bridges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, int]:
    """(clip, track, frames): 2 bridges; the clip's frame i shows the track's pose i."""
    monkeypatch.setitem(BACKENDS, "track", track_backend)
    track = two_bridges(tmp_path / "track.npz", rest_s=0.6)
    clip = write_clip(tmp_path / "clip.mp4", len(track.t))
    return clip, tmp_path / "track.npz", len(track.t)


def fake_backend(track: Path) -> list[str]:
    return ["--backend", "track", "--model", str(track), "--mute", "--countdown", "0"]


def test_live_file_as_camera_counts_and_saves(tmp_path, bridges):
    clip, track, frames = bridges
    report, video = tmp_path / "live.json", tmp_path / "live.mp4"
    started = time.monotonic()
    code, out, err = cli(
        "live",
        "--source",
        str(clip),
        "-e",
        "bridge",
        "--no-window",
        "--report",
        str(report),
        "--out",
        str(video),
        *fake_backend(track),
    )
    elapsed = time.monotonic() - started
    assert code == 0, err
    assert elapsed >= 0.9 * frames / 30.0  # played at its own pace, like a camera
    lines = out.splitlines()
    assert [line.split("s  ", 1)[1] for line in lines if "rep " in line and "done" in line] == [
        "rep 1 done",
        "rep 2 done",
    ]
    assert any(line.endswith("holding") for line in lines)
    data = json.loads(report.read_text())
    assert data["rep_count"] == 2 and data["exercise"] == "bridge" and data["source"] == str(clip)
    assert len(data["holds"]) == 2 and all(1.4 <= h["duration_s"] <= 2.6 for h in data["holds"])  # 2 s at the top
    assert video.stat().st_size > 0
    assert "reps: 2, target 10" in out


def test_live_stride_skips_the_model_while_still_and_counts_the_same(tmp_path, monkeypatch):
    """``live --stride`` on a clip whose picture is still during the holds: the model
    sees a good deal fewer frames than the clip has, and the counts are still right."""
    track = two_bridges(tmp_path / "track.npz", rest_s=2.0)
    clip = clip_for(track, tmp_path / "still.mp4")
    seen: list[int] = []

    class Counting(TrackEstimator):
        def estimate(self, image_rgb, index, timestamp_s):
            seen.append(index)
            return super().estimate(image_rgb, index, timestamp_s)

    monkeypatch.setitem(BACKENDS, "track", lambda model, _confidence: Counting(Track.load(model)))
    report = tmp_path / "live.json"
    args = ("live", "--source", str(clip), "-e", "bridge", "--no-window", "--report", str(report), "--stride")
    code, _, err = cli(*args, *fake_backend(tmp_path / "track.npz"))
    assert code == 0, err
    data = json.loads(report.read_text())
    assert data["rep_count"] == 2 and len(data["holds"]) == 2
    assert len(seen) < 0.8 * len(track.t), f"the model saw {len(seen)} of {len(track.t)} frames"


def test_camera_that_cannot_be_opened(tmp_path, bridges, monkeypatch):
    _, track, _ = bridges
    monkeypatch.setattr(capture.cv2, "VideoCapture", lambda index: FakeCamera(0, opens=False))
    code, _, err = cli("live", "--source", "1", "-e", "bridge", "--no-window", *fake_backend(track))
    assert code == 3
    assert err.startswith("formcheck: error: cannot open camera 1") and err.count("\n") == 1


def test_unplugged_camera_saves_what_was_counted_and_fails(tmp_path, bridges, monkeypatch):
    _, track, frames = bridges
    monkeypatch.setattr(capture.cv2, "VideoCapture", lambda index: FakeCamera(frames))
    report = tmp_path / "r.json"
    code, out, err = cli(
        "live", "--source", "0", "-e", "bridge", "--no-window", "--report", str(report), *fake_backend(track)
    )
    assert code == 3
    assert "camera 0 stopped sending images" in err and "saved" in err and err.count("\n") == 1
    assert json.loads(report.read_text())["rep_count"] == 2
    assert "rep 2 done" in out


def test_routine_moves_on_when_the_target_is_met(tmp_path, bridges):
    clip, track, _ = bridges
    routine = tmp_path / "mine.toml"
    routine.write_text(
        'name = "Test"\n[[exercise]]\nid = "bridge"\nreps = 1\n[[exercise]]\nid = "not_yet"\n[[exercise]]\nid = "knee_to_chest"\n'
    )
    report = tmp_path / "routine.json"
    code, out, err = cli(
        "routine", str(routine), "--source", str(clip), "--no-window", "--report", str(report), *fake_backend(track)
    )
    assert code == 0, err
    assert "sharp pain" in out.split("\n", 1)[0]  # the caution comes first
    assert (
        out.index("Raise your hips until knees")
        < out.index("rep 1 done")
        < out.index("pull one knee in towards your chest")
    )
    data = json.loads(report.read_text())
    assert data["schema"] == "formcheck.routine/1" and data["skipped"] == ["not_yet"]
    first, second = data["exercises"]
    assert (first["exercise"], first["rep_count"], first["target_met"], first["ended_by"]) == (
        "bridge",
        1,
        True,
        "target",
    )
    assert (second["exercise"], second["target_met"], second["ended_by"]) == ("knee_to_chest", False, "source")
    assert "Test: 1 of 2 exercises done" in out and "skipped" in out


def test_sigterm_ends_the_session_normally_and_saves(tmp_path, bridges):
    clip, track, _ = bridges
    report = tmp_path / "r.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes",
            "live",
            "--source",
            str(clip),
            "-e",
            "bridge",
            "--no-window",
            "--report",
            str(report),
            *fake_backend(track),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    while "counting" not in proc.stdout.readline() and time.monotonic() < deadline:  # type: ignore[union-attr]
        pass
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    data = json.loads(report.read_text())
    assert 0 < data["frames"] < 150 and data["duration_s"] < 3.0


def test_window_needs_a_display(tmp_path, bridges, monkeypatch):
    clip, track, _ = bridges
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, _, err = cli("live", "--source", str(clip), "-e", "bridge", *fake_backend(track))
    assert code == 2 and "use --no-window" in err


def _routine(tmp_path: Path) -> Path:
    routine = tmp_path / "three.toml"
    routine.write_text(
        'name = "Three"\n[[exercise]]\nid = "bridge"\nreps = 1\n[[exercise]]\nid = "cobra"\nreps = 1\n'
        '[[exercise]]\nid = "knee_to_chest"\nreps = 1\n'
    )
    return routine


def test_headless_routine_prints_no_key_help_and_ends_in_plain_words(tmp_path, bridges):
    clip, track, _ = bridges
    code, out, err = cli(
        "routine", str(_routine(tmp_path)), "--source", str(clip), "--no-window", "--start", "Knee-To-Chest",
        *fake_backend(track),
    )  # fmt: skip
    assert code == 0, err
    assert "Keys:" not in out and "Ctrl-C ends" in out
    assert "Three: Knee to chest" in out.splitlines()[1]
    assert "left out this time (--start/--only): Bridges, Cobra" in out
    summary = [line for line in out.splitlines() if line.startswith("  Knee to chest: ")]
    assert len(summary) == 1 and summary[0].endswith("of 1 per side - stopped: the video ended")
    assert "Three: 0 of 1 exercises done" in out and "stopped (source)" not in out


def test_only_runs_the_chosen_exercises_in_the_routines_order(tmp_path, bridges):
    clip, track, _ = bridges
    report = tmp_path / "r.json"
    code, out, err = cli(
        "routine", str(_routine(tmp_path)), "--source", str(clip), "--no-window", "--only", "knee_to_chest,BRIDGE",
        "--report", str(report), *fake_backend(track),
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(report.read_text())
    assert [e["exercise"] for e in data["exercises"]] == ["bridge", "knee_to_chest"]
    assert [e["ended_by"] for e in data["exercises"]] == ["target", "source"]
    assert "Cobra" not in out.split("left out this time", 1)[0] and "Three: 1 of 2 exercises done" in out


@pytest.mark.parametrize("flag", ["--start", "--only"])
def test_an_exercise_not_in_the_routine_is_one_line_with_a_suggestion(tmp_path, bridges, flag):
    clip, track, _ = bridges
    code, out, err = cli(
        "routine", str(_routine(tmp_path)), "--source", str(clip), "--no-window", flag, "cobr", *fake_backend(track)
    )
    assert code == 2
    assert (
        err
        == f"formcheck: error: {flag}: 'Three' has no exercise 'cobr'; did you mean 'cobra'? it has: bridge, cobra, knee_to_chest\n"
    )
