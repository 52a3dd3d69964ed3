"""The commands that need no pose model load none of the heavy libraries (issue 14):
``--version``, ``list``, ``show``, ``report`` and ``history`` start in a fraction of a
second because OpenCV, NumPy, MediaPipe, matplotlib and PyAV stay unimported. Each
command runs in a fresh interpreter that then lists what it imported; the start-up times
themselves are measured in ``benchmarks/throughput.py``, not here."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.cli.main import main
from tests.synthetic import bridge_track, schedule

HEAVY = ("cv2", "numpy", "mediapipe", "matplotlib", "av", "tqdm")
PROBE = (
    "import io, sys\n"
    "from formcheck.cli.main import main\n"
    "code = main(sys.argv[1:], out=io.StringIO(), err=io.StringIO())\n"
    "print(code, *sorted(m for m in sys.modules if m in {heavy}))\n"
)


def imported_by(args: list[str], env: dict[str, str]) -> tuple[int, set[str]]:
    """The command's exit code and which of ``HEAVY`` it imported, in a new process."""
    code = PROBE.format(heavy=set(HEAVY))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    status, *modules = done.stdout.splitlines()[-1].split()  # --version prints its own line first
    return int(status), set(modules)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real report: two bridges analysed from a landmark track."""
    folder = tmp_path_factory.mktemp("startup")
    t, lift = schedule(30.0, [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)] * 2)
    bridge_track(lift, t, jitter=0.8).save(folder / "bridges.npz")
    path = folder / "report.json"
    code = main(["analyze", str(folder / "bridges.npz"), "-e", "bridge", "--report", str(path)], out=io.StringIO())
    assert code == 0 and json.loads(path.read_text())["rep_count"] == 2
    return path


@pytest.mark.parametrize(
    "args", [["--version"], ["list"], ["show", "bridge"], ["report", "REPORT"], ["history"]], ids=" ".join
)
def test_commands_without_a_pose_model_import_no_heavy_library(args, report, history_db):
    env = {**os.environ, "FORMCHECK_HISTORY": str(history_db)}
    status, heavy = imported_by([str(report) if a == "REPORT" else a for a in args], env)
    assert status == 0
    assert heavy == set(), f"formcheck {' '.join(args)} imported {sorted(heavy)}"


def test_the_probe_sees_an_analysis_import_them(report, history_db, tmp_path):
    """The same probe on ``analyze`` of a track: NumPy and OpenCV are there, so an empty
    set above means they were not imported, not that the probe cannot see them."""
    env = {**os.environ, "FORMCHECK_HISTORY": str(history_db)}
    t, lift = schedule(30.0, [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (1.0, 1.0, 0.0)])
    bridge_track(lift, t).save(tmp_path / "one.npz")
    status, heavy = imported_by(["analyze", str(tmp_path / "one.npz"), "-e", "bridge"], env)
    assert status == 0 and {"numpy", "cv2"} <= heavy
