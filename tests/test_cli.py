"""The CLI end to end, run in-process with captured output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.cli.main import DEMO_SAMPLE, main
from tests.synthetic import bridge_track, schedule


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def three_bridges(tmp_path: Path) -> Path:
    """A landmark track: 3 bridges with 2 s at the top, after 1 s lying still."""
    up_down = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    t, lift = schedule(30.0, up_down * 3 + [(1.5, 0.0, 0.0)])
    path = tmp_path / "bridges.npz"
    bridge_track(lift, t, jitter=0.8).save(path)
    return path


def test_list_and_show():
    code, out, _ = cli("list")
    ids = [line.split()[0] for line in out.splitlines()]
    assert code == 0 and ids == sorted(ids) and {"bridge", "childs_pose", "knee_to_chest", "aerobics"} <= set(ids)
    code, out, _ = cli("show", "bridge")
    assert code == 0
    assert "straight_line" in out and "160" in out and "sharp pain" in out
    flat = " ".join(out.split())
    assert "shoulder_lift no more than 0.2 trunk lengths above its value in the start position" in flat
    code, out, _ = cli("show", "lower_back_rotation")
    flat = " ".join(out.split())
    assert (
        "before the start position is seen, also in position when knee_height <= -0.15 trunk lengths and feet_in <= 1.4 trunk lengths"
        in flat
    )
    assert (
        "nearer the camera, staying in it while knee_height <= -0.05 trunk lengths and feet_in <= 1.5 trunk lengths (holds are timed, no rep is counted)"
        in flat
    )


def test_analyze_track_writes_report(tmp_path, three_bridges):
    report = tmp_path / "r.json"
    code, out, err = cli("analyze", str(three_bridges), "--exercise", "bridge", "--report", str(report))
    assert code == 0, err
    data = json.loads(report.read_text())
    assert data["schema"] == "formcheck.report/1"
    assert data["rep_count"] == 3 and data["rep_count_by_side"] is None
    assert [round(h["duration_s"]) for h in data["holds"]] == [2, 2, 2]
    assert all(h["completed"] is False and h["target_s"] == 12.0 for h in data["holds"])
    assert all(r["peak"]["hip"] > 170 for r in data["reps"])
    assert data["frames"] == data["frames_with_pose"] == 30 * 16 + 15
    assert "reps: 3" in out


def test_analyze_writes_annotated_video_only_when_asked(tmp_path, three_bridges):
    out_video = tmp_path / "annotated.mp4"
    code, _, err = cli("analyze", str(three_bridges), "-e", "bridge", "--out", str(out_video))
    assert code == 0, err
    cap = cv2.VideoCapture(str(out_video))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 30 * 16 + 15
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4", "bridges.npz"]


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["analyze", "missing.mp4", "-e", "bridge"], 3, "video not found: missing.mp4"),
        (["analyze", "{track}", "-e", "bridges"], 4, "unknown exercise 'bridges'"),
        (["show", "nope"], 4, "unknown exercise 'nope'"),
        (
            ["analyze", "{track}", "-e", "bridge", "--report", "/nonexistent/dir/r.json"],
            5,
            "output folder does not exist",
        ),
    ],
)
def test_clean_errors(three_bridges, args, code, message):
    args = [a.replace("{track}", str(three_bridges)) for a in args]
    got, out, err = cli(*args)
    assert got == code
    assert err.startswith("formcheck: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_corrupt_video_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    code, _, err = cli("analyze", str(bad), "-e", "bridge")
    assert code == 3 and "cannot read video" in err


def test_video_without_a_person(tmp_path):
    path = tmp_path / "empty.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for _ in range(10):
        writer.write(np.full((120, 160, 3), 90, np.uint8))
    writer.release()
    report = tmp_path / "r.json"
    code, _, err = cli("analyze", str(path), "-e", "bridge", "--report", str(report))
    assert code == 6 and "no person found" in err
    assert not report.exists()


@pytest.mark.skipif(not DEMO_SAMPLE.exists(), reason="no rendered sample yet")
def test_demo_on_the_bundled_sample(tmp_path):
    gt = json.loads(DEMO_SAMPLE.with_suffix(".json").read_text())
    out_video, report = tmp_path / "demo.mp4", tmp_path / "demo.json"
    code, out, err = cli("demo", "--out", str(out_video), "--report", str(report))
    assert code == 0, err
    data = json.loads(report.read_text())
    assert data["rep_count"] == len(gt["reps"])
    assert len(data["holds"]) == len(gt["holds"])
    for got, want in zip(data["holds"], gt["holds"]):
        assert got["duration_s"] == pytest.approx(want["end_s"] - want["start_s"], abs=0.5)
    assert out_video.stat().st_size > 0


def test_bridge_without_a_hold_at_the_top_says_what_the_exercise_asks(three_bridges):
    code, out, err = cli("analyze", str(three_bridges), "-e", "bridge", "--no-history")
    assert code == 0, err
    assert "no hold reached (longest 1.9 s): the exercise asks for a 12 s hold at the top (three deep breaths)" in out
    assert "(short of 12 s)" in out
