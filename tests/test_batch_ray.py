"""``--engine ray`` on a local Ray instance (2 CPUs): the same index as a local batch,
also when a worker process is killed in the middle of a video (its video is retried).

Skips without Ray (``pip install "formcheck[cluster]"``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("ray")

from formcheck.batch.index import INDEX_CSV
from tests.batch_clips import make_clips, samples_present
from tests.processes import descendants
from tests.test_batch import ROOT, report
from tests.test_cli import cli

TASK_TITLE = "ray::Analyst.run"  # the title Ray gives a worker process running a video


def _kill_one_worker(child: subprocess.Popen, killed: list[int]) -> None:
    """SIGKILL the first of the batch's workers seen in the middle of a video."""
    deadline = time.monotonic() + 300
    while not killed and child.poll() is None and time.monotonic() < deadline:
        tasks = descendants(child.pid, command_start=TASK_TITLE)
        if tasks:
            time.sleep(0.5)  # well into the video
            os.kill(tasks[0], signal.SIGKILL)
            killed.append(tasks[0])
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.skipif(not samples_present(), reason="no rendered samples")
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds Ray's workers in /proc")
def test_ray_gives_the_local_index_even_when_a_worker_is_killed(tmp_path):
    clips = make_clips(tmp_path / "clips")
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    code, _, err = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(local), "--html")
    assert code == 7, err
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}  # a local instance, started by the batch
    child = subprocess.Popen(
        [sys.executable, "-m", "formcheck", "analyze", str(clips), "-e", "bridge", "--out-dir", str(on_ray), "--html"]
        + ["--engine", "ray", "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed: list[int] = []
    killer = threading.Thread(target=_kill_one_worker, args=(child, killed))
    killer.start()
    try:
        out, err = child.communicate(timeout=600)
    finally:
        killer.join()
    assert killed, "no Ray worker was seen analysing a video"
    assert child.returncode == 7, err
    assert err.strip().splitlines()[-1].startswith("formcheck: error: 1 of 4 videos failed")
    assert (on_ray / INDEX_CSV).read_bytes() == (local / INDEX_CSV).read_bytes()
    for name in ("bridge", "leg", "sub/cobra"):
        assert report(on_ray, name) == report(local, name)
