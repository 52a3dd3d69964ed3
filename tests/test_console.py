"""The console entry point: library chatter hidden, formcheck's own lines kept, CLI conventions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from formcheck.cli.console import is_noise
from formcheck.core.errors import ExitStatus
from tests.test_cli import cli
from tests.test_reliability import child

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "bridge.mp4"

# Lines seen on a run of mediapipe 0.10.21 and OpenCV 4.11 before the console filtered them.
NOISE = [
    b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    b"W0000 00:00:1796213897.886275    6826 inference_feedback_manager.cc:114] Feedback manager requires a model",
    b"I0000 00:00:1796213898.568820    6828 task_runner.cc:85] GPU suport is not available: INTERNAL: ;",
    b"[ WARN:0@2.2] global cap_v4l.cpp:999 open VIDEOIO(V4L2:/dev/video9): can't open camera by index",
    b"[ERROR:0@1.520] global obsensor_uvc_stream_channel.cpp:158 getStreamChannelGroup Camera index out of range",
]
KEPT = [
    b"formcheck: error: cannot open camera 9",
    b"F0000 00:00:1796213898.568820    6828 calculator_graph.cc:1] Check failed: a fatal error",
    b"Traceback (most recent call last):",
]


@pytest.mark.parametrize("line", NOISE)
def test_library_chatter_is_recognised(line):
    assert is_noise(line) and is_noise(b"\r" + line)


@pytest.mark.parametrize("line", KEPT)
def test_other_lines_are_kept(line):
    assert not is_noise(line)


def test_fd2_filter_in_a_real_process():
    """C++ writes straight to fd 2; Python's own stderr lines pass untouched, and an
    unfinished last line is passed on when the block ends."""
    written = b"".join(line + b"\n" for line in NOISE + KEPT)
    script = (
        "import os, sys\n"
        "from formcheck.cli.console import quiet_stderr\n"
        "with quiet_stderr():\n"
        f"    os.write(2, {written!r})\n"
        "    print('formcheck: warning: from Python', file=sys.stderr)\n"
        "    os.write(2, b'no newline at the end')\n"
        "print('after the block', file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=60)
    lines = done.stderr.splitlines()
    assert done.returncode == 0
    assert sorted(lines) == sorted(
        [*KEPT, b"formcheck: warning: from Python", b"no newline at the end" + b"after the block"]
    )


def _short_clip(tmp_path: Path, frames: int = 45) -> Path:
    """The first frames of the bundled sample (made by tools/render), as a new file."""
    reader = cv2.VideoCapture(str(SAMPLE))
    fps = reader.get(cv2.CAP_PROP_FPS)
    path = tmp_path / "short.mp4"
    writer = None
    for _ in range(frames):
        ok, image = reader.read()
        if not ok:
            break
        if writer is None:
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, image.shape[1::-1])
        writer.write(image)
    reader.release()
    assert writer is not None
    writer.release()
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["analyze", "{clip}", "-e", "bridge", "--out", "{out}"],
        ["live", "--source", "{clip}", "-e", "bridge", "--no-window", "--mute", "--countdown", "0"],
        ["live", "--source", "9", "-e", "bridge", "--no-window", "--mute"],
    ],
    ids=["analyze", "live-file", "live-missing-camera"],
)
def test_only_formcheck_lines_on_stderr(tmp_path, command):
    """With -v the libraries' lines are there (so this test can see them); without, none."""
    clip = _short_clip(tmp_path)
    args = [a.format(clip=clip, out=tmp_path / "out.mp4") for a in command]
    code, _, verbose = child(*args, "--no-history", "-v")
    assert any(is_noise(line.encode()) for line in verbose.splitlines()), verbose
    (tmp_path / "out.mp4").unlink(missing_ok=True)
    quiet_code, _, quiet = child(*args, "--no-history")
    assert quiet_code == code
    assert all(line.startswith("formcheck: ") for line in quiet.splitlines()), quiet


def test_debug_and_verbose_anywhere():
    assert cli("list", "--debug")[0] == 0
    assert cli("--debug", "list")[0] == 0
    assert cli("show", "bridge", "-v")[0] == 0
    assert cli("show", "--verbose", "bridge")[0] == 0


def test_closed_pipe_is_no_traceback():
    """`formcheck list | head -0`: the reader leaves at once."""
    child = subprocess.Popen(
        [sys.executable, "-m", "formcheck", "list"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child.stdout.close()  # type: ignore[union-attr]
    code = child.wait(timeout=60)
    assert child.stderr.read() == b""  # type: ignore[union-attr]
    assert code == ExitStatus.PIPE_CLOSED
