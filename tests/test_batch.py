"""Batch analysis end to end: a folder of short real clips plus a corrupt file, and
batches of landmark tracks (fast: no pose model)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import formcheck.batch.worker
from formcheck.batch.index import INDEX_CSV, INDEX_HTML
from formcheck.core.errors import ExitStatus
from formcheck.exercises.loader import exercise_ids
from formcheck.history.store import History
from formcheck.sources.track import Track
from tests.batch_clips import CLIPS, CORRUPT, make_clips, samples_present
from tests.processes import descendants
from tests.synthetic import bridge_track, schedule
from tests.test_cli import cli

ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted([Path(name).with_suffix("").as_posix() for _, name in CLIPS] + ["corrupt"])
needs_samples = pytest.mark.skipif(not samples_present(), reason="no rendered samples")


def index_rows(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / INDEX_CSV).open(newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f)}


def report(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.json").read_text())


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.json")}


# -- real clips ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture(scope="module")
def singles(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each clip analysed alone, as `formcheck analyze VIDEO --report` does it."""
    folder = tmp_path_factory.mktemp("singles")
    reports = {}
    for _, name in CLIPS:
        target = folder / f"{Path(name).stem}.json"
        code, _, err = cli("analyze", str(clips / name), "-e", "bridge", "--report", str(target), "--no-history")
        assert code == 0, err
        reports[Path(name).with_suffix("").as_posix()] = json.loads(target.read_text())
    return reports


@pytest.fixture(scope="module")
def batch(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str, Path]:
    results = tmp_path_factory.mktemp("batch") / "results"
    code, out, err = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(results), "--html")
    return code, out, err, results


@pytest.mark.slow
@needs_samples
def test_the_index_has_every_video_and_the_reports_equal_single_analyze(batch, singles):
    code, out, _, results = batch
    rows = index_rows(results)
    assert sorted(rows) == NAMES
    for name, alone in singles.items():
        assert report(results, name) == alone
        assert rows[name]["status"] == "ok" and int(rows[name]["reps"]) == alone["rep_count"]
        assert (results / f"{name}.html").is_file()
    assert sum(alone["rep_count"] for alone in singles.values()) >= 2  # the clips do count reps
    html = (results / INDEX_HTML).read_text()
    assert 'href="sub/cobra.html"' in html and "cannot read video" in html
    assert "4 videos: 4 to analyse, 0 already done" in out


@pytest.mark.slow
@needs_samples
def test_a_failed_video_is_a_row_with_its_error_and_the_batch_exits_7(batch):
    code, _, err, results = batch
    row = index_rows(results)["corrupt"]
    assert row["status"] == "failed" and row["exit_status"] == str(int(ExitStatus.INPUT))
    assert row["error"].startswith("cannot read video") and row["error"].endswith(CORRUPT)
    assert code == ExitStatus.SOME_FAILED == 7
    assert err.splitlines()[-1].startswith("formcheck: error: 1 of 4 videos failed")


@pytest.mark.slow
@needs_samples
def test_a_rerun_skips_everything_and_is_fast(batch, clips):
    _, _, _, results = batch
    before, index = mtimes(results), (results / INDEX_CSV).read_bytes()
    started = time.perf_counter()
    code, out, _ = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(results), "--html")
    elapsed = time.perf_counter() - started
    assert code == 7 and "4 videos: 0 to analyse, 4 already done" in out
    assert mtimes(results) == before and (results / INDEX_CSV).read_bytes() == index
    assert elapsed < 2.0, elapsed  # digests and the index only: no pose model


@pytest.mark.slow
@needs_samples
def test_two_processes_give_the_same_results_as_one(batch, clips, tmp_path):
    _, _, _, results = batch
    code, out, err = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(tmp_path), "--html", "--jobs", "2")
    assert code == 7, err
    assert (tmp_path / INDEX_CSV).read_bytes() == (results / INDEX_CSV).read_bytes()
    for name in (n for n in NAMES if n != "corrupt"):
        assert report(tmp_path, name) == report(results, name)


@pytest.mark.slow
@needs_samples
def test_a_killed_batch_resumes_without_redoing_anything(batch, clips, tmp_path):
    _, _, _, results = batch
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "formcheck",
            "analyze",
            str(clips),
            "-e",
            "bridge",
            "--out-dir",
            str(tmp_path),
            "--html",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / INDEX_CSV).exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL  # killed mid-batch, not finished
    done = index_rows(tmp_path)
    assert 1 <= len(done) < len(NAMES)
    for name, row in done.items():
        assert row == index_rows(results)[name]
    kept = mtimes(tmp_path)
    code, out, _ = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(tmp_path), "--html")
    assert code == 7
    assert f"{len(NAMES) - len(done)} to analyse, {len(done)} already done" in out
    assert {k: v for k, v in mtimes(tmp_path).items() if k in kept} == kept  # nothing done twice
    assert (tmp_path / INDEX_CSV).read_bytes() == (results / INDEX_CSV).read_bytes()


@pytest.mark.slow
@needs_samples
def test_a_local_worker_killed_mid_video_is_replaced_and_the_index_is_the_same(batch, clips, tmp_path):
    _, _, _, results = batch
    command = [sys.executable, "-m", "formcheck", "analyze", str(clips), "-e", "bridge", "--out-dir", str(tmp_path)]
    child = subprocess.Popen(
        [*command, "--html", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    killed = []
    try:
        deadline = time.monotonic() + 120
        while not killed and child.poll() is None and time.monotonic() < deadline:
            if (tmp_path / INDEX_CSV).exists():  # the workers are running: the first video is done
                workers = descendants(child.pid, containing="spawn_main")
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
            time.sleep(0.02)
        _, err = child.communicate(timeout=600)
    finally:
        child.kill()
        child.wait()
    assert killed and child.returncode == 7, err
    assert (tmp_path / INDEX_CSV).read_bytes() == (results / INDEX_CSV).read_bytes()


@pytest.mark.slow
@needs_samples
def test_a_track_gives_the_report_its_video_gives(clips, singles, tmp_path):
    video = clips / CLIPS[0][1]
    track = tmp_path / "bridge.npz"
    code, out, err = cli("track", str(video), "-o", str(track))
    assert code == 0, err
    saved = Track.load(track)
    assert saved.backend.startswith("mediapipe (mediapipe 0.10.21)") and len(saved.source_sha256) == 64
    target = tmp_path / "r.json"
    code, _, err = cli("analyze", str(track), "-e", "bridge", "--report", str(target), "--no-history")
    assert code == 0, err
    from_track, from_video = json.loads(target.read_text()), singles["bridge"]
    assert from_track.pop("source") == str(track) and from_video.pop("source") == str(video)
    assert from_track == from_video


@pytest.mark.slow
@needs_samples
def test_kept_tracks_are_reused_without_the_pose_model(batch, clips, tmp_path, monkeypatch):
    _, _, _, results = batch
    tracks = tmp_path / "tracks"
    code, _, _ = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(tmp_path / "a"), "--tracks", str(tracks))
    assert code == 7 and sorted(p.relative_to(tracks).as_posix() for p in tracks.rglob("*.npz")) == [
        "bridge.npz",
        "leg.npz",
        "sub/cobra.npz",
    ]

    def no_model(*_: object) -> None:
        raise AssertionError("the pose model was loaded")

    monkeypatch.setattr(formcheck.batch.worker, "create_estimator", no_model)
    code, _, _ = cli("analyze", str(clips), "-e", "bridge", "--out-dir", str(tmp_path / "b"), "--tracks", str(tracks))
    assert code == 7
    for name in ("bridge", "leg", "sub/cobra"):
        assert report(tmp_path / "b", name) == report(results, name)
    code, _, _ = cli("analyze", str(clips), "-e", "cobra", "--out-dir", str(tmp_path / "c"), "--tracks", str(tracks))
    assert code == 7 and index_rows(tmp_path / "c")["sub/cobra"]["exercise"] == "cobra"


# -- landmark tracks (no pose model) ----------------------------------------------------


@pytest.fixture
def tracks(tmp_path: Path) -> Path:
    """Two tracks of 2 and 3 bridges, and a damaged one. (A folder is searched for
    videos only: tracks are given by name.)"""
    folder = tmp_path / "tracks"
    folder.mkdir()
    up_down = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    for reps in (2, 3):
        t, lift = schedule(30.0, up_down * reps + [(1.5, 0.0, 0.0)])
        bridge_track(lift, t, jitter=0.8).save(folder / f"b{reps}.npz")
    (folder / "bad.npz").write_bytes(b"not a track")
    return folder


def batch_of(tracks: Path, out: Path, *more: str) -> tuple[int, str, str]:
    return cli("analyze", *sorted(str(p) for p in tracks.glob("*.npz")), "-e", "bridge", "--out-dir", str(out), *more)


def test_a_batch_of_tracks_counts_each_and_reports_the_damaged_one(tracks, tmp_path):
    code, out, err = batch_of(tracks, tmp_path / "out", "--csv")
    rows = index_rows(tmp_path / "out")
    assert code == 7 and err.count("\n") == 1
    assert [(r["name"], r["status"], r["reps"]) for r in rows.values()] == [
        ("b2", "ok", "2"),
        ("b3", "ok", "3"),
        ("bad", "failed", ""),
    ]
    assert "cannot read landmark track" in rows["bad"]["error"]
    assert (tmp_path / "out" / "b3.csv").is_file() and not (tmp_path / "out" / "b3.html").exists()


def test_history_is_recorded_only_when_asked(tracks, tmp_path, history_db):
    batch_of(tracks, tmp_path / "a")
    assert not history_db.exists()
    batch_of(tracks, tmp_path / "b", "--history")
    with History(history_db) as history:
        assert sorted(s.reps for s in history.sessions()) == [2, 3]


def test_a_changed_exercise_is_new_work_and_a_changed_comment_is_not(tracks, tmp_path):
    bridge = (ROOT / "poses" / "bridge.toml").read_text()
    exercise = tmp_path / "mine" / "bridge.toml"
    exercise.parent.mkdir()
    exercise.write_text(bridge)
    run = lambda: cli("analyze", str(tracks / "b2.npz"), "-e", str(exercise), "--out-dir", str(tmp_path / "o"))  # noqa: E731
    assert "1 to analyse" in run()[1]
    exercise.write_text("# a comment\n" + bridge)
    assert "0 to analyse, 1 already done" in run()[1]
    exercise.write_text(bridge.replace("target_s = 12", "target_s = 10", 1))
    assert "target_s = 10" in exercise.read_text()
    assert "1 to analyse" in run()[1]
    assert "0 to analyse" in run()[1]
    code, out, _ = cli(
        "analyze", str(tracks / "b2.npz"), "-e", str(exercise), "--out-dir", str(tmp_path / "o"), "--force"
    )
    assert code == 0 and "1 to analyse" in out


@pytest.mark.parametrize(
    "args,status,message",
    [
        (["{b2}", "{b3}", "-e", "bridge"], 2, "several videos need --out-dir"),
        (["{tracks}", "-e", "bridge", "--report", "r.json", "--out-dir", "{out}"], 2, "--report is for one video"),
        (["{tracks}", "-e", "bridge", "--html", "x.html", "--out-dir", "{out}"], 2, "give --html without a file name"),
        (["{b2}", "-e", "bridge", "--html"], 2, "--html needs a file name"),
        (["{b2}", "-e", "bridge", "--jobs", "2"], 2, "give --out-dir"),
        (["{tracks}", "-e", "bridge", "--out-dir", "{out}", "--jobs", "0"], 2, "--jobs must be at least 1"),
        (["{b2}", "{other_b2}", "-e", "bridge", "--out-dir", "{out}"], 2, "would both write"),
        (["{empty}", "-e", "bridge", "--out-dir", "{out}"], 3, "no videos found"),
        (["{tracks}", "-e", "bridge"], 3, "not a video file: {tracks} (a folder: give --out-dir"),
        (["{tracks}", "-e", "nope", "--out-dir", "{out}"], 4, "unknown exercise"),
    ],
)
def test_clean_batch_errors(tracks, tmp_path, args, status, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "b2.npz").write_bytes((tracks / "b2.npz").read_bytes())
    where = {"{b2}": tracks / "b2.npz", "{b3}": tracks / "b3.npz", "{tracks}": tracks}
    where |= {"{out}": tmp_path / "out", "{empty}": tmp_path / "empty", "{other_b2}": tmp_path / "other" / "b2.npz"}
    code, _, err = cli("analyze", *[str(where.get(a, a)) for a in args])
    message = message.replace("{tracks}", str(tracks))
    assert code == status and err.startswith("formcheck: error: ") and message in err, err
    assert err.count("\n") == 1


def test_a_folder_holding_something_else_as_index_csv_is_left_alone(tracks, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / INDEX_CSV).write_text("patient,notes\nA,keep me\n")
    code, _, err = batch_of(tracks, out)
    assert code == 5 and "is not a formcheck batch index" in err
    assert (out / INDEX_CSV).read_text() == "patient,notes\nA,keep me\n" and sorted(os.listdir(out)) == [INDEX_CSV]


def test_track_command_errors(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    assert cli("track", str(video), "-o", str(tmp_path / "t.json"))[0] == 2
    code, _, err = cli("track", str(video), "-o", str(tmp_path / "t.npz"))
    assert code == 3 and "cannot read video" in err and not (tmp_path / "t.npz").exists()
    track = tmp_path / "x.npz"
    track.write_bytes(b"mine")
    code, _, err = cli("track", str(track), "-o", str(track))
    assert code == 3 and "would overwrite the video" in err and track.read_bytes() == b"mine"
    assert cli("track", str(tmp_path / "missing.mp4"), "-o", str(tmp_path / "t.npz"))[0] == 3


def test_every_bundled_exercise_has_a_distinct_key(tracks):
    from formcheck.batch.plan import BatchSettings, Outputs, job_key
    from formcheck.exercises.loader import load_exercise

    settings = BatchSettings("bridge", "bridge", "mediapipe", None, "label", False, Outputs(), Path("o"), None)
    keys = {job_key("0" * 64, load_exercise(i), settings) for i in exercise_ids()}
    assert len(keys) == len(exercise_ids())


def test_ray_is_imported_only_when_asked_for():
    code = "import sys, formcheck.cli.main, formcheck.batch.driver; print('ray' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_ray_engine_without_ray_says_how_to_install_it(tracks, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    code, _, err = batch_of(tracks, tmp_path / "out", "--engine", "ray")
    assert code == 2 and 'pip install "formcheck[cluster]"' in err and err.count("\n") == 1
