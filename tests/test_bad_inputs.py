"""The corpus of bad inputs (issue 7): each entry ends in a one-line error with its
documented exit status, or in graceful degradation (exit 0, with a note) — never a
traceback, and never a damaged earlier output.

Every entry is built here, by the test itself: media with cv2 (and ffmpeg for rotation
metadata, cut-short streamable files and variable frame rate, skipped without it),
people cut from the rendered ``samples/bridge.mp4``. Each run points ``--report`` at an
earlier report with known content, which must be unchanged after a failing run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from formcheck.core import files as files_module
from formcheck.core.errors import FormcheckError
from formcheck.exercises.loader import parse_exercise
from formcheck.pose import BACKENDS
from formcheck.reports.reader import parse_report
from formcheck.sources import camera as capture
from formcheck.sources import video as sources
from formcheck.sources.video import VideoFile
from tests.fakes import FakeCamera, track_backend, two_bridges, write_clip
from tests.fuzzing import exercise_texts
from tests.synthetic import bridge_track, schedule
from tests.test_cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "bridge.mp4"
BRIDGE_TOML = ROOT / "poses" / "bridge.toml"
FFMPEG = shutil.which("ffmpeg")
OLD_REPORT = '{"schema": "formcheck.report/1", "note": "an earlier report that must survive"}\n'
SMALL = (320, 180)
FPS = 10.0

needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg not installed")
needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason="no rendered sample")


# --- media -----------------------------------------------------------------------------


def write_video(path: Path, frames: list[np.ndarray], fps: float = FPS, fourcc: str = "mp4v") -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    assert writer.isOpened(), path
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def blank(n: int, size: tuple[int, int] = SMALL, value: int = 90) -> list[np.ndarray]:
    return [np.full((size[1], size[0], 3), value, np.uint8) for _ in range(n)]


_person: list[np.ndarray] = []


def person(n: int = 25, size: tuple[int, int] = SMALL) -> list[np.ndarray]:
    """``n`` frames of the rendered person (bridge sample, every third frame, downscaled)."""
    if not _person:
        cap = cv2.VideoCapture(str(SAMPLE))
        i = 0
        while len(_person) < 60:
            ok, image = cap.read()
            if not ok:
                break
            if i % 3 == 0:
                _person.append(image)
            i += 1
        cap.release()
    return [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in _person[:n]]


def ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-v", "error", "-y", *args], check=True)  # type: ignore[list-item]


def zero_frame_durations(path: Path) -> Path:
    """Set every sample duration in an mp4's time-to-sample table to 0: a broken frame rate."""
    data = bytearray(path.read_bytes())
    at = data.find(b"stts")
    entries = struct.unpack(">I", data[at + 8 : at + 12])[0]
    for k in range(entries):
        data[at + 16 + 8 * k : at + 20 + 8 * k] = b"\0\0\0\0"
    path.write_bytes(bytes(data))
    return path


# --- the corpus ------------------------------------------------------------------------


@dataclass
class Entry:
    """Builds its arguments in a folder; expects an exit status and a message in stderr
    (failures) or in stdout (graceful degradation)."""

    build: Callable[[Path, pytest.MonkeyPatch], list[str]]
    code: int
    message: str
    marks: list = field(default_factory=list)
    report: bool = True  # add --report pointing at the earlier report


def analyze(video: str, *more: str) -> list[str]:
    return ["analyze", video, "-e", "bridge", *more]


def _truncated(fraction: float) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        full = write_video(d / "full.mp4", blank(20)).read_bytes()
        (d / "cut.mp4").write_bytes(full[: int(len(full) * fraction)])
        return analyze(str(d / "cut.mp4"))

    return build


def _streamable_cut(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    """An mp4 with its index first (as phones and web uploads write them), cut short."""
    write_video(d / "src.mp4", person(30))
    ffmpeg("-i", str(d / "src.mp4"), "-c:v", "libx264", "-g", "5", "-movflags", "+faststart", str(d / "fast.mp4"))
    data = (d / "fast.mp4").read_bytes()
    (d / "cut.mp4").write_bytes(data[: int(len(data) * 0.6)])
    return analyze(str(d / "cut.mp4"))


def _unreadable(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = write_video(d / "private.mp4", blank(3))
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make the open fail as it would for a user

        def refuse(*_a: object, **_k: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(sources, "open", refuse, raising=False)
    return analyze(str(path))


def _read_only_folder(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    source = track(d)  # saved (atomically) before temporary files are refused
    folder = d / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root again

        def refuse(*_a: object, **_k: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(files_module.tempfile, "mkstemp", refuse)
    return [*analyze(str(source), "--html", str(folder / "r.html")), "--report", str(d / "old.json")]


def track(d: Path) -> Path:
    t, lift = schedule(30.0, [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (1.5, 1.0, 1.0), (1.0, 1.0, 0.0), (1.0, 0.0, 0.0)])
    path = d / "bridges.npz"
    bridge_track(lift, t, jitter=0.5).save(path)
    return path


def _disk_full(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    real = Path.write_text

    def full(self: Path, *a: object, **k: object) -> int:
        if self.name.startswith(".old.json."):
            raise OSError(28, "No space left on device")
        return real(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    return analyze(str(track(d)))


def _enters_late(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    """Nobody for 10.5 s, the person for 2.5 s, nobody again for 2 s."""
    return analyze(str(write_video(d / "late.mp4", blank(105) + person(25) + blank(20))))


def _two_people(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    return analyze(str(write_video(d / "two.mp4", [np.hstack([f, f[:, ::-1]]) for f in person(25)])))


def _half_out(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    """The right half of the picture (head and shoulders) cut away."""
    return analyze(str(write_video(d / "half.mp4", [f[:, : f.shape[1] // 2].copy() for f in person(25)])))


def _at_edge(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    """The lying person shifted to the bottom-left corner, partly beyond it."""
    frames = [np.roll(np.roll(f, 50, axis=0), -70, axis=1) for f in person(25)]
    for f in frames:
        f[:50], f[:, -70:] = 200, 200
    return analyze(str(write_video(d / "edge.mp4", frames)))


def _dark(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    return analyze(str(write_video(d / "dark.mp4", [(f * 0.12).astype(np.uint8) for f in person(25)])))


def _blurred(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    kernel = np.zeros((1, 25), np.float32) + 1 / 25
    return analyze(str(write_video(d / "blur.mp4", [cv2.filter2D(f, -1, kernel) for f in person(25)])))


def _exercise_file(old: str, new: str) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        text = BRIDGE_TOML.read_text()
        assert old in text
        (d / "bridge.toml").write_text(text.replace(old, new, 1))
        return ["analyze", str(track(d)), "-e", str(d / "bridge.toml")]

    return build


def _history(setup: Callable[[Path, pytest.MonkeyPatch], None]) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        setup(d / "h.db", monkeypatch)
        return [*analyze(str(track(d))), "--history", str(d / "h.db"), "--csv", str(d / "new.csv")]

    return build


def _corrupt_db(path: Path, _: pytest.MonkeyPatch) -> None:
    path.write_bytes(b"SQLite format 3\0" + b"\xde\xad" * 2000)


def _newer_db(path: Path, _: pytest.MonkeyPatch) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()


def _locked_db(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from formcheck.history import store as history

    history.History(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    _locked_db.holder = holder  # type: ignore[attr-defined]  # released when the test ends
    original = history.History.__init__

    def quick(self: history.History, p: Path, busy_timeout_s: float = 0.2) -> None:
        original(self, p, 0.2)

    monkeypatch.setattr(history.History, "__init__", quick)


class _FullDisk:
    """A connection whose writes fail as SQLite's do on a full disk (SQLITE_FULL)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, *params: object) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *params)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)


def _full_db(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from formcheck.history import store as history

    history.History(path).close()
    real_connect = sqlite3.connect
    monkeypatch.setattr(history.sqlite3, "connect", lambda *a, **k: _FullDisk(real_connect(*a, **k)))


def _ffmpeg_entry(make: Callable[[Path], Path]) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        return analyze(str(make(d)))

    return build


def _vfr(d: Path) -> Path:
    write_video(d / "src.mp4", person(30), fps=30)
    ffmpeg(
        "-i",
        str(d / "src.mp4"),
        "-vf",
        "setpts='if(lt(N,15),N,15+(N-15)*3)/30/TB'",
        "-fps_mode",
        "vfr",
        "-c:v",
        "libx264",
        str(d / "vfr.mp4"),
    )
    return d / "vfr.mp4"


def _rotated(d: Path) -> Path:
    """Landscape footage stored sideways with a rotation tag, as phones do: ffmpeg's
    ``rotate=90`` means "turn 90 degrees counter-clockwise to show" (ffmpeg's own
    transcoding agrees with what OpenCV gives), so it is stored turned clockwise."""
    write_video(d / "side.mp4", [cv2.rotate(f, cv2.ROTATE_90_CLOCKWISE) for f in person(20)])
    ffmpeg("-i", str(d / "side.mp4"), "-c", "copy", "-metadata:s:v", "rotate=90", str(d / "rotated.mp4"))
    return d / "rotated.mp4"


CORPUS: dict[str, Entry] = {
    # files
    "missing": Entry(lambda d, _: analyze(str(d / "nope.mp4")), 3, "video not found"),
    "empty": Entry(
        lambda d, _: (d / "e.mp4").write_bytes(b"") and [] or analyze(str(d / "e.mp4")), 3, "video file is empty"
    ),
    "directory": Entry(lambda d, _: (d / "dir.mp4").mkdir() or analyze(str(d / "dir.mp4")), 3, "not a video file"),
    "text renamed .mp4": Entry(
        lambda d, _: (d / "t.mp4").write_text("not a video\n" * 50) and analyze(str(d / "t.mp4")),
        3,
        "cannot read video (unsupported or corrupt)",
    ),
    "truncated 10%": Entry(_truncated(0.1), 3, "cannot read video (unsupported or corrupt)"),
    "truncated 50%": Entry(_truncated(0.5), 3, "cannot read video (unsupported or corrupt)"),
    "truncated 95%": Entry(_truncated(0.95), 3, "cannot read video (unsupported or corrupt)"),
    "streamable mp4 cut at 60%": Entry(_streamable_cut, 0, "note: the video ended after", [needs_ffmpeg, needs_sample]),
    "single frame, nobody": Entry(
        lambda d, _: analyze(str(write_video(d / "one.mp4", blank(1)))), 6, "no person found"
    ),
    "single frame, a person": Entry(
        lambda d, _: analyze(str(write_video(d / "one.mp4", person(1)))), 0, "reps: 0", [needs_sample]
    ),
    "zero frame rate": Entry(
        lambda d, _: analyze(str(zero_frame_durations(write_video(d / "z.mp4", person(20))))),
        0,
        "frame rate (0.5 fps) is broken",
        [needs_sample],
    ),
    "variable frame rate": Entry(_ffmpeg_entry(_vfr), 0, "reps: 0", [needs_ffmpeg, needs_sample]),
    "4K frames": Entry(
        lambda d, _: analyze(str(write_video(d / "4k.mp4", person(4, (3840, 2160))))),
        0,
        "frames of 3840x2160 analysed at 1920 px",
        [needs_sample],
    ),
    "8K frames": Entry(
        lambda d, _: analyze(str(write_video(d / "8k.mp4", person(2, (7680, 4320)), fourcc="MJPG"))),
        0,
        "frames of 7680x4320 analysed at 1920 px",
        [needs_sample],
    ),
    "portrait": Entry(
        lambda d, _: analyze(
            str(
                write_video(
                    d / "p.mp4", [np.vstack([blank(1, (320, 140))[0], f, blank(1, (320, 140))[0]]) for f in person(20)]
                )
            )
        ),
        0,
        "reps: 0",
        [needs_sample],
    ),
    "rotation metadata": Entry(_ffmpeg_entry(_rotated), 0, "reps: 0", [needs_ffmpeg, needs_sample]),
    "still image": Entry(
        lambda d, _: cv2.imwrite(str(d / "i.png"), blank(1)[0]) and analyze(str(d / "i.png")),
        3,
        "is a still image (PNG), not a video",
    ),
    "still image renamed .mp4": Entry(
        lambda d, _: (
            cv2.imwrite(str(d / "i.jpg"), blank(1)[0])
            and os.replace(d / "i.jpg", d / "i.mp4")
            or analyze(str(d / "i.mp4"))
        ),
        3,
        "is a still image (JPEG), not a video",
    ),
    "unreadable permissions": Entry(_unreadable, 3, "Permission denied"),
    "output in a missing folder": Entry(
        lambda d, _: analyze(str(track(d)), "--out", str(d / "no" / "o.mp4")), 5, "output folder does not exist"
    ),
    "output in a read-only folder": Entry(_read_only_folder, 5, "cannot write to", report=False),
    "output is a folder": Entry(
        lambda d, _: analyze(str(track(d)), "--csv", str(d)), 5, "output is a folder, not a file"
    ),
    "output video is the input": Entry(
        lambda d, _: analyze(str(p := write_video(d / "in.mp4", blank(3))), "--out", str(p)),
        3,
        "would overwrite the input",
    ),
    "report is the input": Entry(
        lambda d, _: analyze(str(track(d)), "--csv", str(d / "bridges.npz")), 3, "would overwrite the input"
    ),
    "disk full while writing": Entry(_disk_full, 5, "No space left on device"),
    # content
    "nobody at all": Entry(lambda d, _: analyze(str(write_video(d / "n.mp4", blank(20)))), 6, "no person found"),
    "enters after 10 s, leaves before the end": Entry(
        lambda d, m: _enters_late(d, m), 0, "person visible in 25 of 150 frames", [needs_sample]
    ),
    "two people": Entry(_two_people, 0, "More than one person is in view: formcheck follows only one.", [needs_sample]),
    "half the body out of frame": Entry(_half_out, 0, "are out of the picture", [needs_sample]),
    "lying at the frame edge": Entry(_at_edge, 0, "reps: 0", [needs_sample]),
    "very dark": Entry(_dark, 0, "It is too dark: add light in front of you.", [needs_sample]),
    "motion blur": Entry(_blurred, 0, "reps: 0", [needs_sample]),
    # exercise files
    "exercise: syntax error": Entry(_exercise_file("enter = 14.0", "enter = = 14.0"), 4, "bridge.toml: not valid TOML"),
    "exercise: unknown key": Entry(
        _exercise_file('direction = "rise"', 'direction = "rise"\nspeed = 3'),
        4,
        "bridge.toml: rep.speed: Extra inputs are not permitted",
    ),
    "exercise: missing key": Entry(_exercise_file('name = "Bridges"\n', ""), 4, "bridge.toml: name: Field required"),
    "exercise: wrong type": Entry(
        _exercise_file("enter = 14.0", 'enter = "high"'), 4, "bridge.toml: rep.enter: Input should be a valid number"
    ),
    "exercise: threshold out of range": Entry(
        _exercise_file("target_s = 12.0", "target_s = -1"),
        4,
        "bridge.toml: hold.target_s: Input should be greater than 0",
    ),
    "exercise: unknown measure": Entry(
        _exercise_file('measure = "hip"\ndirection', 'measure = "hips"\ndirection'),
        4,
        "bridge.toml: (top level): rep.measure 'hips' is not defined",
    ),
    "exercise: not UTF-8": Entry(
        lambda d, _: (
            (d / "bridge.toml").write_bytes(b"id = '\xff'") and ["analyze", str(track(d)), "-e", str(d / "bridge.toml")]
        ),
        4,
        "cannot read exercise file",
    ),
    # history: the reports are written first and kept
    "history: damaged database": Entry(_history(_corrupt_db), 5, "the history database is damaged"),
    "history: from a newer formcheck": Entry(_history(_newer_db), 5, "comes from a newer formcheck"),
    "history: locked": Entry(_history(_locked_db), 5, "the history database is busy"),
    "history: disk full": Entry(_history(_full_db), 5, "database or disk is full"),
}


@pytest.mark.parametrize("name", [pytest.param(name, marks=entry.marks, id=name) for name, entry in CORPUS.items()])
def test_bad_input(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = CORPUS[name]
    old = tmp_path / "old.json"
    old.write_text(OLD_REPORT)
    args = entry.build(tmp_path, monkeypatch)
    if entry.report and "--report" not in args:
        args += ["--report", str(old)]
    try:
        code, out, err = cli(*args)
    finally:
        holder = getattr(_locked_db, "holder", None)
        if holder is not None:
            holder.close()
            del _locked_db.holder  # type: ignore[attr-defined]
    assert "Traceback" not in err and "internal error" not in err
    if entry.code == 0:
        assert code == 0, err
        assert entry.message in out, out
        assert json.loads(old.read_text())["schema"] == "formcheck.report/1"
    else:
        assert code == entry.code, err
        assert err.startswith("formcheck: error: ") and err.count("\n") == 1, err
        assert entry.message in err, err
        if name.startswith("history:"):  # the session's outputs were written before the history
            assert json.loads(old.read_text())["frames"] > 0 and (tmp_path / "new.csv").exists()
        else:
            assert old.read_text() == OLD_REPORT
    assert not [p.name for p in tmp_path.rglob(".*") if p.is_file()], "temporary files left behind"


# --- live: the session so far is saved however it ends -------------------------------


class ClosingWindow:
    """A window the user closes after ``frames`` images."""

    def __init__(self, frames: int) -> None:
        self._left = frames

    def show(self, image_bgr: np.ndarray | None) -> list[str]:
        self._left -= 1
        return []

    @property
    def closed(self) -> bool:
        return self._left <= 0

    def close(self) -> None:
        pass


def _live_in_process(
    new_camera: Callable[[], FakeCamera] | None, window: bool = False
) -> Callable[..., tuple[int, str]]:
    """``new_camera`` builds the camera when the test runs (one per run, its stream starting then)."""

    def run(clip: Path, track: Path, report: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
        source = "0"
        if new_camera is not None:
            camera = new_camera()
            monkeypatch.setattr(capture.cv2, "VideoCapture", lambda index: camera)
            source = "1" if not camera._opens else "0"  # type: ignore[attr-defined]
        if window:
            from formcheck.cli import live as live_cli

            monkeypatch.setattr(live_cli, "_open_display", lambda no_window, size: ClosingWindow(150))
            source = str(clip)
        args = ["live", "--source", source, "-e", "bridge", "--report", str(report), *LIVE_FAKE(track)]
        code, _, err = cli(*(args if window else args + ["--no-window"]))
        return code, err

    return run


def _live_signal(sig: int) -> Callable[..., tuple[int, str]]:
    def run(clip: Path, track: Path, report: Path, _: pytest.MonkeyPatch) -> tuple[int, str]:
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
                *LIVE_FAKE(track),
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
        time.sleep(0.5)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=20)
        return proc.returncode, err

    return run


def LIVE_FAKE(track: Path) -> list[str]:
    return ["--backend", "track", "--model", str(track), "--mute", "--countdown", "0"]


LIVE: dict[str, tuple[Callable[..., tuple[int, str]], int, str, bool]] = {
    # name: (run, exit status, message, is a report saved)
    "camera index absent": (_live_in_process(lambda: FakeCamera(0, opens=False)), 3, "cannot open camera 1", False),
    "camera lost mid-session": (
        _live_in_process(lambda: FakeCamera(60)),
        3,
        "camera 0 stopped sending images (unplugged?); what was counted is saved",
        True,
    ),
    "window closed": (_live_in_process(None, window=True), 0, "", True),
    "Ctrl-C": (_live_signal(signal.SIGINT), 0, "", True),
    "SIGTERM": (_live_signal(signal.SIGTERM), 0, "", True),
}


@pytest.mark.parametrize("name", list(LIVE))
def test_live_ends_badly(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run, want, message, saved = LIVE[name]
    monkeypatch.setitem(BACKENDS, "track", track_backend)
    track_file = tmp_path / "track.npz"
    clip = write_clip(tmp_path / "clip.mp4", len(two_bridges(track_file, rest_s=0.6).t))
    report = tmp_path / "old.json"
    report.write_text(OLD_REPORT)
    code, err = run(clip, track_file, report, monkeypatch)
    assert code == want, err
    assert "Traceback" not in err
    if want:
        assert err.startswith("formcheck: error: ") and err.count("\n") == 1 and message in err, err
    if saved:
        data = json.loads(report.read_text())
        assert data["exercise"] == "bridge" and data["frames"] > 0
    else:
        assert report.read_text() == OLD_REPORT


# --- details the corpus cannot show through the CLI -----------------------------------


@needs_ffmpeg
@needs_sample
def test_rotation_metadata_gives_upright_frames(tmp_path):
    upright = person(20)[0]
    with VideoFile(_rotated(tmp_path)) as video:
        first = next(video.frames()).image_bgr
    assert first.shape == upright.shape  # landscape again
    assert np.abs(first.astype(int) - upright.astype(int)).mean() < 12  # and the right way up


@needs_ffmpeg
@needs_sample
def test_variable_frame_rate_uses_the_frame_timestamps(tmp_path):
    path = _vfr(tmp_path)
    pts = subprocess.run(
        [
            shutil.which("ffprobe") or "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v",
            "-show_entries",
            "frame=pts_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with VideoFile(path) as video:
        got = [f.timestamp_s for f in video.frames()]
    want = [float(p.strip(",")) for p in pts]
    assert len(got) == len(want) and np.allclose(got, want, atol=0.002)
    steps = np.diff(want)
    assert steps.max() > 2.5 * steps.min()  # really variable


def test_unknown_keys_with_odd_characters_stay_on_one_line(tmp_path):
    text = '"odd\\nkey" = 1\n' + BRIDGE_TOML.read_text()
    with pytest.raises(FormcheckError) as info:
        parse_exercise(text, "bridge.toml")
    assert str(info.value) == "bridge.toml: 'odd\\nkey': Extra inputs are not permitted"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(exercise_texts())
def test_any_broken_exercise_file_is_a_one_line_error_naming_the_file(example):
    name, text = example
    try:
        parse_exercise(text, name)
    except FormcheckError as exc:
        assert str(exc).startswith(f"{name}: ") and "\n" not in str(exc)


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "report.json: not a JSON report"),
        ("[1, 2]", "the top level is a list"),
        ('{"schema": "formcheck.report/2"}', "schema: expected 'formcheck.report/1', got 'formcheck.report/2'"),
        ('{"schema": "formcheck.report/1"}', "report.json: exercise: Field required"),
    ],
)
def test_report_reader_errors(text, message):
    with pytest.raises(FormcheckError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_report(text, "report.json")


# --- privacy: no network at run time ---------------------------------------------------

BLOCK_NETWORK = """
import socket

def _refuse(*args, **kwargs):
    raise OSError("network blocked by the test")

class _NoSocket(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family in (socket.AF_INET, socket.AF_INET6, -1):
            raise OSError("network blocked by the test")
        super().__init__(family, *args, **kwargs)

socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


@needs_sample
def test_analyze_works_with_the_network_blocked(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(BLOCK_NETWORK)
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{ROOT}"}
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "network blocked by the test" in probe.stderr  # the block is in place
    clip = write_video(tmp_path / "clip.mp4", person(20))
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck",
            "analyze",
            str(clip),
            "-e",
            "bridge",
            "--report",
            str(report),
            "--html",
            str(html),
            "--history",
            str(tmp_path / "h.db"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text())["frames_with_pose"] > 0 and html.stat().st_size > 0
    assert "network blocked" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".mp4") == ["clip.mp4"]  # no video stored unasked
