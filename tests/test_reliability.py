"""Issue 18: no run loses or corrupts what the user has.

One parametrised test per item of the issue. Every case runs the CLI (in-process, or as
a real child process for signals and terminal encoding) in a folder of earlier files and
checks the exit status, the one-line message, and that every file that was in the folder
before is byte-identical afterwards (special files still what they were), with no
temporary file left behind. Cases that succeed (exit 0) check their message in the
standard output instead, and what they wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.core import files as files_module
from formcheck.sources.track import Track
from tests.synthetic import bridge_track, schedule
from tests.test_bad_inputs import OLD_REPORT, blank, needs_sample, person, track, write_video
from tests.test_cli import cli

ROOT = Path(__file__).resolve().parent.parent
BRIDGE_TOML = ROOT / "poses" / "bridge.toml"
FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg not installed")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (mknod, mount)")

Result = tuple[int, str, str]  # exit status, stdout, stderr


@dataclass
class Case:
    """``build`` makes the arguments (or a runner for a child process) in a folder."""

    build: Callable[[Path, pytest.MonkeyPatch], list[str] | Callable[[], Result]]
    code: int
    message: str
    marks: list = field(default_factory=list)
    after: Callable[[Path], None] | None = None  # more checks on the folder afterwards


def earlier(d: Path) -> Path:
    """An earlier report, video and CSV in ``d``, the outputs most cases point at."""
    (d / "old.json").write_text(OLD_REPORT)
    write_video(d / "old.mp4", blank(5))
    (d / "old.csv").write_text("time_s\n0.0\n")
    return d


def snapshot(d: Path) -> dict[Path, bytes | int]:
    """Bytes of every regular file below ``d``; the file type of every special file."""
    out: dict[Path, bytes | int] = {}
    for p in d.rglob("*"):
        mode = p.lstat().st_mode
        if stat.S_ISREG(mode):
            out[p] = p.read_bytes()
        elif not stat.S_ISDIR(mode):
            out[p] = stat.S_IFMT(mode)
    return out


def run_case(case: Case, d: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier(d)
    built = case.build(d, monkeypatch)
    before = snapshot(d)
    code, out, err = built() if callable(built) else cli(*built)
    assert "Traceback" not in err and "internal error" not in err, err
    assert code == case.code, (code, out, err)
    if case.code == 0:
        assert case.message in out, out
    else:
        assert err.count("\n") == 1 and err.startswith("formcheck: "), err
        assert case.message in err, err
    after = snapshot(d)
    for path, content in before.items():
        assert after.get(path) == content, f"{path.name} changed"
    assert not [p.name for p in d.rglob(".*") if p.is_file()], "temporary files left behind"
    if case.after is not None:
        case.after(d)


def cases(table: dict[str, Case]) -> list:
    return [pytest.param(name, marks=c.marks, id=name) for name, c in table.items()]


def analyze(d: Path, *more: str) -> list[str]:
    return ["analyze", str(track(d)), "-e", "bridge", "--no-history", *more]


def live(source: str, *more: str) -> list[str]:
    return ["live", "--source", source, "-e", "bridge", "--no-window", "--mute", *more]


def child(*args: str, env: dict[str, str] | None = None) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "formcheck", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    return proc.returncode, proc.stdout, proc.stderr


# --- 1. live overwrote its own source ------------------------------------------------

ITEM1 = {
    "live --report is the source video": Case(
        lambda d, _: live(str(d / "old.mp4"), "--report", str(d / "old.mp4")), 3, "would overwrite the input"
    ),
    "live --out is the source video": Case(
        lambda d, _: live(str(d / "old.mp4"), "--out", str(d / "old.mp4")), 3, "would overwrite the input"
    ),
    "analyze --out is the input video": Case(
        lambda d, _: ["analyze", str(d / "old.mp4"), "-e", "bridge", "--out", str(d / "old.mp4")],
        3,
        "would overwrite the input",
    ),
    "live --out through a symlink to the source": Case(
        lambda d, _: (
            (d / "link.mp4").symlink_to(d / "old.mp4") or live(str(d / "old.mp4"), "--out", str(d / "link.mp4"))
        ),
        3,
        "would overwrite the input",
    ),
}


@pytest.mark.parametrize("name", cases(ITEM1))
def test_1_no_output_is_the_source(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM1[name], tmp_path, monkeypatch)


# --- 2. a full disk gave a broken video, exit 0 --------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MB tmpfs; skipped where it cannot be mounted."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)]).returncode:
        pytest.skip("cannot mount a small tmpfs (needs root)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until about ``leave`` bytes are free."""
    with open(disk / "filler", "wb") as f:
        while True:
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            if free <= leave:
                break
            try:
                f.write(b"\0" * min(65536, max(free - leave, 4096)))
                f.flush()
            except OSError:
                break


def _on_disk(leave: int, *outputs: str) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        disk = d / "disk"
        earlier(disk)
        fill(disk, leave)
        args = analyze(d)
        for flag in outputs:
            args += [flag, str(disk / {"--out": "old.mp4", "--report": "old.json", "--csv": "old.csv"}[flag])]
        return args

    return build


ITEM2 = {
    "disk fills while writing the video": Case(_on_disk(40_000, "--out", "--report"), 5, "No space left on device"),
    "disk already full: video": Case(_on_disk(0, "--out"), 5, "cannot write video"),
    "disk already full: report": Case(_on_disk(0, "--report", "--csv"), 5, "No space left on device"),
}


@pytest.mark.parametrize("name", cases(ITEM2))
def test_2_full_disk_keeps_the_old_files(
    name: str, tmp_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = ITEM2[name]
    run_case(case, tmp_path, monkeypatch)
    if "already full" in name or "fills" in name:
        _, _, err = cli(*case.build(tmp_path, monkeypatch))  # type: ignore[misc]
        assert "No space left on device" in err, err


def test_2_a_video_the_encoder_could_not_finish_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself, without a small disk: frames that never reached the file."""
    from formcheck.reports import video_writer

    earlier(tmp_path)
    # the encoder takes every frame, none reaches the file (as on a full disk)
    monkeypatch.setattr(video_writer.PyAVWriter, "_mux", lambda _self, _packets: None)
    monkeypatch.setattr(files_module, "disk_full", lambda _folder: True)
    before = snapshot(tmp_path)
    code, _, err = cli(*analyze(tmp_path, "--out", str(tmp_path / "old.mp4"), "--report", str(tmp_path / "old.json")))
    assert code == 5 and err.count("\n") == 1 and "No space left on device" in err, err
    assert snapshot(tmp_path) == {**before, **{p: b for p, b in snapshot(tmp_path).items() if p not in before}}
    assert not [p.name for p in tmp_path.rglob(".*") if p.is_file()]


# --- 3. outputs over the history database or an exercise file ------------------------


def _with_history(d: Path) -> Path:
    db = d / "h.sqlite3"
    code, _, err = cli("analyze", str(track(d)), "-e", "bridge", "--history", str(db))
    assert code == 0, err
    return db


def _exercise_copy(d: Path) -> Path:
    (d / "ex").mkdir(exist_ok=True)
    shutil.copy(BRIDGE_TOML, d / "ex" / "bridge.toml")
    return d / "ex" / "bridge.toml"


def _routine(d: Path) -> Path:
    path = d / "r.toml"
    path.write_text('name = "r"\n[[exercise]]\nid = "bridge"\n')
    return path


def _over_history(flag: str, suffix: str = "") -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    """``analyze`` recording in a history database, with ``flag`` pointing at it (or its ``suffix`` file)."""

    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        db = _with_history(d)
        return ["analyze", str(track(d)), "-e", "bridge", "--history", str(db), flag, f"{db}{suffix}"]

    return build


ITEM3 = {
    "--report is the history database": Case(_over_history("--report"), 3, "would overwrite the input"),
    "--csv is the history's WAL file": Case(_over_history("--csv", "-wal"), 3, "would overwrite the input"),
    "history --csv is the database": Case(
        lambda d, _: ["history", "--history", str(db := _with_history(d)), "--csv", str(db)],
        3,
        "would overwrite the input",
    ),
    "history --plot is the database": Case(
        lambda d, _: ["history", "--history", str(db := _with_history(d)), "--plot", str(db)],
        3,
        "would overwrite the input",
    ),
    "--report is the exercise file": Case(
        lambda d, _: [
            "analyze",
            str(track(d)),
            "-e",
            str(ex := _exercise_copy(d)),
            "--report",
            str(ex),
            "--no-history",
        ],
        3,
        "would overwrite the input",
    ),
    "--report is a hard link to the exercise file": Case(
        lambda d, _: (
            os.link(ex := _exercise_copy(d), d / "hard.json")
            or ["analyze", str(track(d)), "-e", str(ex), "--report", str(d / "hard.json"), "--no-history"]
        ),
        3,
        "would overwrite the input",
    ),
    "routine --report is the routine file": Case(
        lambda d, _: ["routine", str(r := _routine(d)), "--no-window", "--mute", "--report", str(r)],
        3,
        "would overwrite the input",
    ),
    "two outputs are one file": Case(
        lambda d, _: analyze(d, "--report", str(d / "old.json"), "--csv", str(d / "old.json")), 3, "is used twice"
    ),
}


@pytest.mark.parametrize("name", cases(ITEM3))
def test_3_no_output_is_any_input(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM3[name], tmp_path, monkeypatch)


# --- 4. special files -----------------------------------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _null_device(path: Path) -> Path:
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    return path


def _big_exercise(d: Path) -> Path:
    path = d / "bridge.toml"
    path.write_text(BRIDGE_TOML.read_text().replace('summary = "', 'summary = "' + "x" * 2_000_000, 1))
    return path


ITEM4 = {
    "--report is a FIFO": Case(lambda d, _: analyze(d, "--report", str(_fifo(d / "f.json"))), 5, "not a regular file"),
    "--report is a character device": Case(
        lambda d, _: analyze(d, "--report", str(_null_device(d / "null.json"))), 5, "not a regular file", [needs_root]
    ),
    "history --csv is a FIFO": Case(
        lambda d, _: ["history", "--history", str(d / "none.sqlite3"), "--csv", str(_fifo(d / "f.csv"))],
        5,
        "not a regular file",
    ),
    "exercise file is /dev/zero": Case(
        lambda d, _: (d / "zero.toml").symlink_to("/dev/zero") or ["show", str(d / "zero.toml")],
        4,
        "not a regular file",
    ),
    "exercise file is a FIFO": Case(lambda d, _: ["show", str(_fifo(d / "f.toml"))], 4, "not a regular file"),
    "routine file is /dev/urandom": Case(
        lambda d, _: (d / "r.toml").symlink_to("/dev/urandom") or ["routine", str(d / "r.toml"), "--no-window"],
        4,
        "not a regular file",
    ),
    "exercise file of 2 MB": Case(lambda d, _: ["show", str(_big_exercise(d))], 4, "more than the 1000000 allowed"),
}


@pytest.mark.parametrize("name", cases(ITEM4))
def test_4_special_files_are_refused(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.monotonic()
    run_case(ITEM4[name], tmp_path, monkeypatch)
    assert time.monotonic() - started < 20  # no endless read, no hang on a FIFO


# --- 5. a failed or interrupted run replaces nothing ---------------------------------


def _nobody(d: Path) -> Path:
    t, lift = schedule(30.0, [(3.0, 0.0, 0.0)])
    base = bridge_track(lift, t)
    empty = replace(base, xy=np.full_like(base.xy, np.nan), visibility=np.zeros_like(base.visibility))
    path = d / "nobody.npz"
    empty.save(path)
    return path


def _long_track(d: Path) -> Path:
    up_down = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    t, lift = schedule(30.0, up_down * 40)
    path = d / "long.npz"
    bridge_track(lift, t).save(path)
    return path


def _signal_child(sig: int) -> Callable[[Path, pytest.MonkeyPatch], Callable[[], Result]]:
    """A real ``formcheck analyze`` child, signalled once its video is being written."""

    def build(d: Path, _: pytest.MonkeyPatch) -> Callable[[], Result]:
        source = _long_track(d)

        def run() -> Result:
            args = ["analyze", str(source), "-e", "bridge", "--no-history", "--out", str(d / "old.mp4")]
            args += ["--report", str(d / "old.json"), "--csv", str(d / "old.csv")]
            proc = subprocess.Popen(
                [sys.executable, "-m", "formcheck", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            deadline = time.monotonic() + 60
            # the staged video (".old.mp4.XXXX.mp4"), not the write probe that comes before it
            while not list(d.glob(".old.mp4.*.mp4")) and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            time.sleep(0.3)
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=60)
            return proc.returncode, out.decode(), err.decode()

        return run

    return build


def _interrupt_in_commit(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ctrl-C arrives during the first rename of the commit."""
    args = analyze(d, "--report", str(d / "new.json"), "--csv", str(d / "new.csv"), "--out", str(d / "new.mp4"))
    real = os.replace
    sent: list[int] = []

    def replace_then_interrupt(src: object, dst: object) -> None:
        if not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(files_module.os, "replace", replace_then_interrupt)  # after the track is saved
    return args


def _all_new(d: Path) -> None:
    """Ctrl-C during the commit waits for it: every output is the new one."""
    assert json.loads((d / "new.json").read_text())["frames"] > 0
    assert (d / "new.csv").read_text().startswith("time_s,")
    assert cv2.VideoCapture(str(d / "new.mp4")).get(cv2.CAP_PROP_FRAME_COUNT) > 0


ITEM5 = {
    "nobody found": Case(
        lambda d, _: [
            "analyze",
            str(_nobody(d)),
            "-e",
            "bridge",
            "--no-history",
            "--out",
            str(d / "old.mp4"),
            "--report",
            str(d / "old.json"),
        ],
        6,
        "no person found",
    ),
    "SIGTERM while writing": Case(_signal_child(signal.SIGTERM), 143, "formcheck: terminated"),
    "SIGINT while writing": Case(_signal_child(signal.SIGINT), 130, "formcheck: interrupted"),
    "SIGINT during the commit": Case(_interrupt_in_commit, 130, "formcheck: interrupted", after=_all_new),
}


@pytest.mark.parametrize("name", cases(ITEM5))
def test_5_outputs_are_committed_together_only_on_success(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_case(ITEM5[name], tmp_path, monkeypatch)


# --- 6. timestamps that do not advance -------------------------------------------------


def _zero_timestamps(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    src = write_video(d / "src.mp4", person(30), fps=10.0)
    out = d / "zero.mkv"
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-i", str(src), "-c", "copy", "-bsf:v", "setts=ts=0", str(out)], check=True
    )  # type: ignore[list-item]
    src.unlink()
    return ["analyze", str(out), "-e", "bridge", "--no-history", "--report", str(d / "new.json")]


def _three_seconds(d: Path) -> None:
    report = json.loads((d / "new.json").read_text())
    assert report["duration_s"] == pytest.approx(3.0, abs=0.15)  # 30 frames at the declared 10 fps
    assert any("timestamps do not advance" in note for note in report["notes"])


ITEM6 = {
    "all timestamps zero (MKV)": Case(
        _zero_timestamps,
        0,
        "note: the video's timestamps do not advance",
        [needs_ffmpeg, needs_sample, pytest.mark.slow],
        after=_three_seconds,
    ),
}


@pytest.mark.parametrize("name", cases(ITEM6))
def test_6_timestamps_that_do_not_advance(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM6[name], tmp_path, monkeypatch)


# --- 7. untrusted reports on the terminal -----------------------------------------------


def _crafted_report(d: Path, text: str) -> Path:
    code, _, err = cli(*analyze(d, "--report", str(d / "real.json")))
    assert code == 0, err
    report = json.loads((d / "real.json").read_text())
    report["exercise_name"] = text
    report["notes"] = [text]
    path = d / "crafted.json"
    path.write_text(json.dumps(report))
    (d / "real.json").unlink()
    return path


def _printed_safely(text: str) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    return lambda d, _: ["report", str(_crafted_report(d, text))]


def _surrogate_child(d: Path, _: pytest.MonkeyPatch) -> Callable[[], Result]:
    path = _crafted_report(d, "\ud800 lone")
    return lambda: child("report", str(path), env={"PYTHONIOENCODING": "utf-8"})


def _nothing_raw(d: Path) -> None:
    code, out, _ = cli("report", str(d / "crafted.json"))
    assert not any(c in out for c in "\x1b\r\x07\u202e\u2066\x9b"), repr(out)


ITEM7 = {
    "clear screen and a fake 10/10": Case(
        _printed_safely("\x1b[2J\x1b[Hreps: 10/10"), 0, "\\x1b[2J", after=_nothing_raw
    ),
    "window title": Case(_printed_safely("\x1b]0;owned\x07"), 0, "\\x1b]0;owned\\x07", after=_nothing_raw),
    "carriage return": Case(_printed_safely("bad\rgood"), 0, "bad\\x0dgood", after=_nothing_raw),
    "bidi override": Case(_printed_safely("abc\u202edcba"), 0, "abc\\u202edcba", after=_nothing_raw),
    "C1 control": Case(_printed_safely("x\x9b2Jy"), 0, "x\\x9b2Jy", after=_nothing_raw),
    "lone surrogate on a UTF-8 terminal": Case(_surrogate_child, 0, "\\ud800 lone"),
}


@pytest.mark.parametrize("name", cases(ITEM7))
def test_7_reports_are_printed_safely(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM7[name], tmp_path, monkeypatch)


# --- 8. nonsense thresholds ------------------------------------------------------------


def _threshold(old: str, new: str) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        text = BRIDGE_TOML.read_text()
        assert old in text, old
        (d / "bridge.toml").write_text(text.replace(old, new, 1))
        return ["analyze", str(track(d)), "-e", str(d / "bridge.toml"), "--no-history", "--report", str(d / "old.json")]

    return build


ITEM8 = {
    "min = nan": Case(
        _threshold("min = 160.0", "min = nan"), 4, "bridge.toml: checks.0.min: Input should be a finite number"
    ),
    "max = -inf": Case(
        _threshold("max = 120.0", "max = -inf"), 4, "bridge.toml: checks.2.max: Input should be a finite number"
    ),
    "enter = inf": Case(
        _threshold("enter = 14.0", "enter = inf"), 4, "bridge.toml: rep.enter: Input should be a finite number"
    ),
    "enter = 1000 on an angle": Case(
        _threshold("enter = 14.0", "enter = 1000"), 4, "rep.enter (1000) is outside what an offset of the angle measure"
    ),
    "check min 230 on an angle read past straight": Case(
        _threshold("min = 160.0", "min = 230.0"),
        4,
        "checks[0].min (230) is outside what the angle measure 'hip' can take (0 to 225)",
    ),
    "min_range = inf": Case(
        _threshold("min_range = 15.0", "min_range = inf"),
        4,
        "bridge.toml: rep.min_range: Input should be a finite number",
    ),
    "min_range wider than an angle": Case(
        _threshold("min_range = 15.0", "min_range = 400"), 4, "rep.min_range (400) is wider than 'hip' can move (225)"
    ),
    "target = true": Case(
        _threshold("target = 10", "target = true"), 4, "bridge.toml: rep.target: Input should be a number, not true"
    ),
}


@pytest.mark.parametrize("name", cases(ITEM8))
def test_8_nonsense_thresholds_are_refused(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM8[name], tmp_path, monkeypatch)


# --- 9. internal errors where a documented status belongs ------------------------------


def _report_text(d: Path, text: str) -> list[str]:
    (d / "r.json").write_text(text)
    return ["report", str(d / "r.json")]


def _damaged_row(sql: str) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        db = _with_history(d)
        with sqlite3.connect(db) as conn:
            conn.execute(sql)
        conn.close()
        return ["history", "--history", str(db)]

    return build


def _bad_track(change: Callable[[Track], Track]) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        path = track(d)
        change(Track.load(path)).save(d / "bad.npz")
        path.unlink()
        return ["analyze", str(d / "bad.npz"), "-e", "bridge", "--no-history", "--report", str(d / "old.json")]

    return build


def _huge_declared(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    """A track whose 'xy' header declares a 3.9 GiB array."""
    path = track(d)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(d / "huge.npz", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xy.npy":
                header = data[: data.index(b"\n") + 1]
                shape = header[header.index(b"(") : header.index(b")") + 1]
                data = header.replace(shape, b"(15000000, 33, 2)") + data[len(header) :]
            dst.writestr(info.filename, data)
    path.unlink()
    return ["analyze", str(d / "huge.npz"), "-e", "bridge", "--no-history", "--report", str(d / "old.json")]


def _math_measure(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    text = BRIDGE_TOML.read_text().replace(
        "[measures.hip]",
        '[measures."$\\\\frac{a$"]\nkind = "angle"\npoints = ["shoulder", "hip", "knee"]\n\n[measures.hip]',
        1,
    )
    (d / "bridge.toml").write_text(text)
    return ["analyze", str(track(d)), "-e", str(d / "bridge.toml"), "--no-history", "--html", str(d / "new.html")]


ITEM9 = {
    "deeply nested TOML": Case(
        lambda d, _: (
            (d / "bridge.toml").write_text("a = " + "[" * 5000 + "]" * 5000) and ["show", str(d / "bridge.toml")]
        ),
        4,
        "bridge.toml: not valid TOML: nested too deeply",
    ),
    "5000-digit integer in a report": Case(
        lambda d, _: _report_text(d, '{"frames": ' + "9" * 5000 + "}"), 3, "not a JSON report"
    ),
    "history row: bad time": Case(
        _damaged_row("UPDATE sessions SET started_at = 'yesterday'"), 5, "the history database is damaged"
    ),
    "history row: bad fault counts": Case(
        _damaged_row("UPDATE sessions SET fault_counts = '{'"), 5, "the history database is damaged"
    ),
    "live --source ²": Case(lambda d, _: live("²"), 3, "video not found: ²"),
    "live --source 99999999999999999999": Case(
        lambda d, _: live("99999999999999999999"), 3, "no camera 99999999999999999999"
    ),
    "track: not a zip": Case(
        lambda d, _: (
            (d / "t.npz").write_text("hello") and ["analyze", str(d / "t.npz"), "-e", "bridge", "--no-history"]
        ),
        3,
        "cannot read landmark track",
    ),
    "track: wrong shape": Case(
        _bad_track(lambda t: replace(t, xy=t.xy[:, :20], z=t.z[:, :20], visibility=t.visibility[:, :20])),
        3,
        "xy has shape",
    ),
    "track: 3.9 GiB declared": Case(_huge_declared, 3, "xy.npy declares"),
    "track: fps 0": Case(_bad_track(lambda t: replace(t, fps=0.0)), 3, "fps is 0, not a frame rate"),
    "track: fps 1e-9 (the report would say 0)": Case(
        _bad_track(lambda t: replace(t, fps=1e-9)), 3, "fps is 1e-09, not a frame rate"
    ),
    "track: fps NaN": Case(_bad_track(lambda t: replace(t, fps=float("nan"))), 3, "fps is nan, not a frame rate"),
    "track: NaN timestamps": Case(
        _bad_track(lambda t: replace(t, t=np.where(np.arange(len(t.t)) == 5, np.nan, t.t))),
        3,
        "timestamps must be finite",
    ),
    "track: reversed timestamps": Case(
        _bad_track(lambda t: replace(t, t=t.t[::-1].copy())), 3, "timestamps must be finite"
    ),
    "measure named like mathtext": Case(
        _math_measure, 0, "HTML report:", after=lambda d: (d / "new.html").stat().st_size > 0
    ),
}


@pytest.mark.parametrize("name", cases(ITEM9))
def test_9_documented_statuses_not_internal_errors(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM9[name], tmp_path, monkeypatch)


# --- 10. CSV formula injection -----------------------------------------------------------


def _formula_exercise(d: Path) -> Path:
    text = BRIDGE_TOML.read_text().replace(
        "[measures.hip]",
        '[measures."=HYPERLINK(1)"]\nkind = "angle"\npoints = ["shoulder", "hip", "knee"]\n\n[measures.hip]',
        1,
    )
    text = (
        text.replace('frequency = "', 'frequency = "@SUM(1) ', 1)
        if 'frequency = "' in text
        else text + '\nfrequency = "@SUM(1)"\n'
    )
    (d / "bridge.toml").write_text(text)
    return d / "bridge.toml"


def _csv_header(d: Path) -> None:
    header = (d / "new.csv").read_text().splitlines()[0].split(",")
    assert "'=HYPERLINK(1)" in header and "=HYPERLINK(1)" not in header


def _history_csv(d: Path, _: pytest.MonkeyPatch) -> list[str]:
    db = d / "h.sqlite3"
    code, _, err = cli("analyze", str(track(d)), "-e", str(_formula_exercise(d)), "--history", str(db))
    assert code == 0, err
    return ["history", "--history", str(db), "--csv", str(d / "sessions.csv")]


def _frequency_cell(d: Path) -> None:
    text = (d / "sessions.csv").read_text()
    assert ",'@SUM(1)" in text and ",@SUM" not in text, text


ITEM10 = {
    "measure name in --csv": Case(
        lambda d, _: [
            "analyze",
            str(track(d)),
            "-e",
            str(_formula_exercise(d)),
            "--no-history",
            "--csv",
            str(d / "new.csv"),
        ],
        0,
        "CSV:",
        after=_csv_header,
    ),
    "frequency in history --csv": Case(_history_csv, 0, "sessions written to", after=_frequency_cell),
}


@pytest.mark.parametrize("name", cases(ITEM10))
def test_10_csv_cells_are_never_formulas(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(ITEM10[name], tmp_path, monkeypatch)


# --- 11. smaller gaps --------------------------------------------------------------------


def _read_only(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A folder formcheck may not write to (root ignores permissions: the refusal is patched in)."""
    (d / "ro").mkdir()

    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_module.tempfile, "mkstemp", refuse)
    return live("0", "--report", str(d / "ro" / "r.json"))


def _gif(frames: int) -> Callable[[Path, pytest.MonkeyPatch], list[str]]:
    def build(d: Path, _: pytest.MonkeyPatch) -> list[str]:
        from PIL import Image

        images = [
            Image.fromarray(blank(1, value=40 + 10 * i)[0]) for i in range(frames)
        ]  # distinct: PIL merges repeats
        images[0].save(d / "a.gif", save_all=True, append_images=images[1:], duration=100, loop=0)
        return ["analyze", str(d / "a.gif"), "-e", "bridge", "--no-history"]

    return build


ITEM11 = {
    "live checks its outputs before the session (read-only folder)": Case(_read_only, 5, "cannot write to"),
    "live checks its outputs before the session (missing folder)": Case(
        lambda d, _: live("0", "--report", str(d / "none" / "r.json")), 5, "output folder does not exist"
    ),
    "PPM still": Case(
        lambda d, _: cv2.imwrite(str(d / "i.ppm"), blank(1)[0]) and ["analyze", str(d / "i.ppm"), "-e", "bridge"],
        3,
        "is a still image (Netpbm), not a video",
    ),
    "JPEG 2000 still": Case(
        lambda d, _: (
            (d / "i.jp2").write_bytes(b"\0\0\0\x0cjP  \r\n\x87\n" + bytes(200))
            and ["analyze", str(d / "i.jp2"), "-e", "bridge"]
        ),
        3,
        "is a still image (JPEG 2000), not a video",
    ),
    "one-frame GIF is a still": Case(_gif(1), 3, "is a still image (GIF), not a video"),
    "animated GIF is analysed as a video": Case(_gif(12), 6, "no person found", [pytest.mark.slow]),
    "show on a 10 MB summary": Case(
        lambda d, _: (
            (d / "bridge.toml").write_text("summary = '" + "x" * 10_000_000 + "'") and ["show", str(d / "bridge.toml")]
        ),
        4,
        "more than the 1000000 allowed",
    ),
}


@pytest.mark.parametrize("name", cases(ITEM11))
def test_11_smaller_gaps(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.monotonic()
    run_case(ITEM11[name], tmp_path, monkeypatch)
    assert time.monotonic() - started < 30


def test_11_no_compiler_runs_at_start(tmp_path: Path) -> None:
    """Importing mediapipe the way formcheck does never imports sounddevice, whose import
    runs gcc and ld to look for portaudio (formcheck records no audio)."""
    code = "import sys; from formcheck.pose.base import import_mediapipe; import_mediapipe(); print(sys.modules.get('sounddevice'))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "None", proc.stderr


def test_11_mediapipe_loads_no_pyplot(tmp_path: Path) -> None:
    """Importing mediapipe the way formcheck does leaves matplotlib out (32 MiB held for the
    whole analysis otherwise), and formcheck's own plots still get the real pyplot after."""
    code = (
        "import sys; from formcheck.pose.base import import_mediapipe; mp = import_mediapipe(); "
        "print('matplotlib' in sys.modules, mp.solutions.pose.Pose is not None); "
        "from formcheck.reports.plotting import pyplot; fig = pyplot().figure(); print(type(fig).__name__)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.split() == ["False", "True", "Figure"], proc.stderr
