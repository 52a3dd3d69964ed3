"""The real window, under a virtual X server: the overlay must be on screen.

Skipped when ``Xvfb`` or ``xwd`` is not installed (Debian: ``xvfb``, ``x11-apps``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.feedback.overlay import OverlayStyle
from tests.fakes import two_bridges, write_clip

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xwd")), reason="Xvfb and xwd are not installed"),
]


@contextmanager
def virtual_display() -> Iterator[str]:
    """A virtual X server; yields its DISPLAY name. ``-noreset``: it would otherwise reset
    each time its last client (a screenshot, the exiting child) disconnects, racing the next."""
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    number = server.stdout.readline().strip()  # type: ignore[union-attr]
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def screenshot(display: str) -> np.ndarray:
    """The whole screen as a BGR array, from xwd's format (TrueColor, 32 bits a pixel)."""
    raw = subprocess.run(
        ["xwd", "-root", "-silent"], env={**os.environ, "DISPLAY": display}, capture_output=True, check=True
    ).stdout
    header = struct.unpack(">25I", raw[:100])
    header_size, width, height, bytes_per_line, colours = header[0], header[4], header[5], header[12], header[19]
    pixels = np.frombuffer(raw, np.uint8, count=height * bytes_per_line, offset=header_size + 12 * colours)
    return pixels.reshape(height, bytes_per_line)[:, : width * 4].reshape(height, width, 4)[..., :3]


def bluish(image: np.ndarray) -> int:
    """Pixels clearly bluer than red: the bone colour, even blended by the window's scaling.
    The test clip is grey and the window's frame has no blue."""
    b, r = image[..., 0].astype(int), image[..., 2].astype(int)
    return int(((b - r > 60) & (b > 150)).sum())


@dataclass
class Attempt:
    before: np.ndarray  # the screen before formcheck starts
    shot: np.ndarray  # the last screenshot while it ran
    painted: bool  # any screenshot showed anything at all
    returncode: int | None
    err: str


def orange(image: np.ndarray) -> int:
    """Pixels of the slow-processing warning's panel (dark orange, blended with the picture)."""
    b, g, r = (image[..., i].astype(int) for i in range(3))
    return int(((r - b > 90) & (r > 120) & (g > 40) & (g < r - 40)).sum())


def watch_live_window(
    tmp_path: Path,
    display: str,
    backend: str = "track",
    shown: Callable[[np.ndarray], bool] = lambda s: bluish(s) > 300,
) -> Attempt:
    """Run ``formcheck live`` with its window on ``display``; screenshot until ``shown``
    (by default: the overlay's bone colour shows), the child exits, or 30 s pass."""
    tmp_path.mkdir()
    track = two_bridges(tmp_path / "track.npz", rest_s=3.0)
    clip = write_clip(tmp_path / "clip.mp4", len(track.t))
    before = screenshot(display)
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
            "--backend",
            backend,
            "--model",
            str(tmp_path / "track.npz"),
            "--mute",
            "--countdown",
            "0",
            "--report",
            str(tmp_path / "r.json"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "counting" not in (line := proc.stdout.readline()) and line:  # type: ignore[union-attr]
            pass
        shot = screenshot(display)
        painted = bool(shot.any())
        while not shown(shot) and proc.poll() is None and time.monotonic() < deadline:  # until the window is drawn
            time.sleep(0.5)
            shot = screenshot(display)
            painted = painted or bool(shot.any())
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    return Attempt(before, shot, painted, proc.returncode, err)


def test_window_shows_the_overlay(tmp_path):
    """Qt, with no window manager, now and then maps the window and never paints it (seen in
    about 1 run in 7 on a loaded 2-core machine: the screen all black for the whole session
    while OpenCV reports the window visible with its 640x480 image rect). Such a run, and only
    such a run, is tried again on a fresh server, at most three times: a formcheck fault that
    keeps the overlay off screen fails every attempt."""
    for n in range(3):
        with virtual_display() as display:
            attempt = watch_live_window(tmp_path / f"attempt{n}", display)
        if attempt.painted or attempt.returncode != 0:
            break
    assert attempt.returncode == 0, attempt.err
    assert OverlayStyle().bone == (90, 200, 255)
    assert bluish(attempt.before) == 0
    assert bluish(attempt.shot) > 300  # the skeleton, in the overlay's bone colour
    assert (attempt.shot.min(axis=2) >= 250).sum() > 300  # joints and the counter panel's text
    assert json.loads((tmp_path / f"attempt{n}" / "r.json").read_text())["frames"] > 0


def test_window_warns_when_processing_is_too_slow_to_count(tmp_path):
    """A pose stage slowed to 5 frames a second: the orange warning box appears in the
    window's top right corner, under the stats (the clip and the overlay have no orange)."""
    for n in range(3):  # as above: only a window Qt never painted is tried again
        with virtual_display() as display:
            attempt = watch_live_window(tmp_path / f"attempt{n}", display, "slowtrack", lambda s: orange(s) > 500)
        if attempt.painted or attempt.returncode != 0:
            break
    assert attempt.returncode == 0, attempt.err
    cv2.imwrite(str(tmp_path / "slow.png"), attempt.shot)  # to look at
    assert orange(attempt.before) == 0
    window = np.nonzero(attempt.shot.any(axis=2))
    top, bottom, left, right = window[0].min(), window[0].max(), window[1].min(), window[1].max()
    corner = attempt.shot[top : top + (bottom - top) // 3, (left + right) // 2 : right + 1]
    assert orange(corner) > 500 and orange(corner) > 0.8 * orange(attempt.shot)  # in the top right corner
