"""Throughput, memory and start-up of formcheck, against a bare decode + pose loop.

For each clip, in one run: the bare loop (decode, then the pose model on every frame,
one after the other, no people count), the library's ``analyze`` with the pose model on
every frame (the default), with the adaptive stride and with the stride and ``--out``
(H.264), and the command line as a user runs it, ``formcheck analyze CLIP -e X`` without
and with ``--out``; as frames per second and as ratios to the bare loop (each in its own
process, timed from the start of the work; ``x bare, process``: whole processes, start-up
and model loading included), with each process's peak resident memory and the time from
its start to its first analysed frame (what the progress bar shows first). Also the rep
counts and hold durations (they must agree), the share of frames the model saw, and the
start-up time of the commands that need no pose model.

``--long-track-minutes N`` also runs ``formcheck analyze`` on an N-minute landmark track
(the first clip's track looped, re-timed: the rules, session and reports over that many
frames without the pose model's time) and ``--long-video-minutes M`` on a generated
M-minute video (the first clip looped, re-timed: the same with the pose model), sampling
the resident memory as they go, to show whether it grows. Run it niced
on a shared machine and give the load (``uptime``) with the numbers.

    python benchmarks/throughput.py [CLIP ...] [--exercise bridge] [--long-track-minutes 60] [--long-video-minutes 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples"
DEFAULT_CLIPS = [SAMPLES / "childs_pose.mp4", SAMPLES / "cobra.mp4", SAMPLES / "bridge.mp4"]
MODES = ("bare", "every", "stride", "out", "cli", "cli_out")
LABELS = {"out": "stride, --out", "cli": "formcheck analyze", "cli_out": "formcheck analyze --out"}
RSS_EVERY_S = 2.0  # how often a child samples its resident memory
STARTUP = (["--version"], ["list"], ["show", "bridge"], ["report", "REPORT"], ["history"])


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


class RssSampler:
    """The process's resident memory every ``RSS_EVERY_S`` seconds, on its own thread."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._start = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(RSS_EVERY_S):
            self.samples.append((round(time.perf_counter() - self._start, 1), round(_current_rss_mb(), 1)))

    def stop(self) -> list[tuple[float, float]]:
        self._stop.set()
        self._thread.join()
        return self.samples


def cli_child(mode: str, clip: Path, exercise: str) -> dict:
    """``formcheck analyze`` as the command line runs it, in this process."""
    from formcheck.cli.main import main as cli_main

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        args = ["analyze", str(clip), "-e", exercise, "--report", str(report), "--no-history"]
        if mode == "cli_out":
            args += ["--out", str(Path(tmp) / "out.mp4")]
        print("first", flush=True)  # no frame hook from outside: the time to here is start-up only
        start = time.perf_counter()
        with open(os.devnull, "w") as null:
            code = cli_main(args, out=null)
        seconds = time.perf_counter() - start
        if code != 0:
            raise SystemExit(f"formcheck {' '.join(args)} exited {code}")
        result = json.loads(report.read_text())
    return {
        "frames": result["frames"],
        "seconds": seconds,
        "rss_mb": _rss_mb(),
        "reps": result["rep_count"],
        "holds": [round(h["duration_s"], 2) for h in result["holds"]],
    }


def child(mode: str, clip: Path, exercise: str, report: Path | None) -> dict:
    """One measurement, in this process (the parent runs each in a new one), with the
    resident memory sampled as it runs."""
    sampler = RssSampler()
    result = cli_child(mode, clip, exercise) if mode.startswith("cli") else library_child(mode, clip, exercise, report)
    return {**result, "rss_samples": sampler.stop()}


def library_child(mode: str, clip: Path, exercise: str, report: Path | None) -> dict:
    """The bare loop, or the library's ``analyze``."""
    import cv2

    from formcheck.engine.stride import StrideParams
    from formcheck.exercises.loader import load_exercise
    from formcheck.offline.analyze import AnalysisOptions, analyze
    from formcheck.pose import create_estimator
    from formcheck.pose.mediapipe_solution import MediaPipeSolutionEstimator
    from formcheck.reports.report import build_report, write_json
    from formcheck.sources.video import VideoFile

    first: list[float] = []
    start = time.perf_counter()
    if mode == "bare":
        estimator = MediaPipeSolutionEstimator(people_every_s=None)
        n = 0
        with VideoFile(clip) as source:
            for frame in source.frames():
                estimator.estimate(cv2.cvtColor(frame.image_bgr, cv2.COLOR_BGR2RGB), frame.index, frame.timestamp_s)
                if not first:
                    print("first", flush=True)
                n += 1
        estimator.close()
        return {"frames": n, "seconds": time.perf_counter() - start, "rss_mb": _rss_mb()}
    interpolated = 0

    def on_state(state: object) -> None:
        nonlocal interpolated
        if not first:
            first.append(time.perf_counter())
            print("first", flush=True)
        interpolated += state.frame.interpolated  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory() as tmp:
        options = AnalysisOptions(
            stride=None if mode == "every" else StrideParams(),
            out_video=Path(tmp) / "out.mp4" if mode == "out" else None,
        )
        session = analyze(clip, load_exercise(exercise), create_estimator, options, on_state)
        seconds = time.perf_counter() - start
    built = build_report(session)
    if report is not None:
        write_json(built, report)
    result = built.to_json()
    return {
        "frames": session.frames,
        "seconds": seconds,
        "rss_mb": _rss_mb(),
        "reps": result["rep_count"],
        "holds": [round(h["duration_s"], 2) for h in result["holds"]],
        "modelled": 1 - interpolated / max(1, session.frames),
    }


def run_child(mode: str, clip: Path, exercise: str, report: Path | None = None) -> dict:
    """A measurement in a new process; adds the time to its first frame."""
    command = [sys.executable, __file__, "--child", mode, str(clip), "--exercise", exercise]
    if report is not None:
        command += ["--report", str(report)]
    spawned = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        first_s = None
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.strip() == "first" and first_s is None:
                first_s = time.perf_counter() - spawned
            else:
                lines.append(line)
    process_s = time.perf_counter() - spawned
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {clip} failed ({proc.returncode})")
    return {**json.loads(lines[-1]), "first_s": first_s, "process_s": process_s}


def startup(report: Path, history: Path) -> dict[str, float]:
    """Best of three wall times of each command that needs no pose model."""
    times = {}
    env = {**os.environ, "FORMCHECK_HISTORY": str(history)}
    for args in STARTUP:
        if "REPORT" in args and not report.exists():  # --skip-clips: no analysis wrote one
            continue
        args = [str(report) if a == "REPORT" else a for a in args]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, env=env, check=True)
            best = min(best, time.perf_counter() - start)
        times[" ".join(a if a != str(report) else "REPORT.json" for a in args)] = best
    return times


def long_video(clip: Path, minutes: float, target: Path) -> Path:
    """``clip`` looped to ``minutes``, re-timed, as H.264 (for the memory of a long run).
    Decoded afresh on each loop, never held whole: the children measured after this are
    forked from this process, and Linux counts the parent's peak memory before ``exec``
    in a child's peak (a clip's frames held here once read as 800 MiB in every child)."""
    from formcheck.reports.video_writer import open_video_writer
    from formcheck.sources.video import VideoFile

    with VideoFile(clip) as source:
        fps, size = source.info.fps, source.info.size
    writer = open_video_writer(target, fps, size)
    total, i = round(minutes * 60 * fps), 0
    while i < total:
        with VideoFile(clip) as source:
            for frame in source.frames():
                if i == total:
                    break
                writer.write(frame.image_bgr, i / fps)
                i += 1
    writer.close()
    return target


def long_track(clip: Path, minutes: float, target: Path) -> Path:
    """The clip's landmark track (``formcheck track``) looped to ``minutes``, re-timed."""
    import numpy as np

    from formcheck.sources.track import Track

    short = target.with_name("short.npz")
    subprocess.run(
        [sys.executable, "-m", "formcheck", "track", str(clip), "-o", str(short)], capture_output=True, check=True
    )
    track = Track.load(short)
    n = round(minutes * 60 * track.fps)
    loop = np.arange(n) % len(track.t)
    looped = replace(
        track,
        t=np.arange(n) / track.fps,
        xy=track.xy[loop],
        z=track.z[loop],
        visibility=track.visibility[loop],
        brightness=None if track.brightness is None else track.brightness[loop],
        scene_cut=np.zeros(n, bool),  # the loop's seams are not camera cuts
        people=None if track.people is None else track.people[loop],
        world=None if track.world is None else track.world[loop],
        source_sha256="",
    )
    looped.save(target)
    return target


def memory_line(what: str, r: dict) -> str:
    """Peak memory and the resident memory at each tenth of the run (flat or growing)."""
    samples = r["rss_samples"]
    tenths = [samples[min(len(samples) - 1, len(samples) * k // 10)][1] for k in range(1, 11)] if samples else []
    return (
        f"{what} ({r['frames']} frames): {r['frames'] / r['seconds']:.1f} frames/s, peak RSS {r['rss_mb']:.0f} MiB; "
        f"RSS at each tenth of the run: {' '.join(f'{m:.0f}' for m in tenths)} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clips", type=Path, nargs="*", default=DEFAULT_CLIPS)
    parser.add_argument("--exercise", help="for clips not named after an exercise (samples are)")
    parser.add_argument("--long-track-minutes", type=float, default=0.0)
    parser.add_argument("--long-video-minutes", type=float, default=0.0)
    parser.add_argument("--skip-clips", action="store_true", help="only the long runs and the start-up times")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.clips[0], args.exercise, args.report)))
        return 0
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    header = "| clip | mode | frames/s | x bare | x bare, process | peak RSS MiB | first frame s | model saw | reps | holds s |"
    print(header)
    print("| --- " * (header.count("|") - 1) + "|")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        for clip in [] if args.skip_clips else args.clips:
            exercise = args.exercise or clip.stem
            results = {mode: run_child(mode, clip, exercise, report if mode == "stride" else None) for mode in MODES}
            bare = results["bare"]["frames"] / results["bare"]["seconds"]
            bare_process = results["bare"]["frames"] / results["bare"]["process_s"]
            for mode, r in results.items():
                fps = r["frames"] / r["seconds"]
                process = r["frames"] / r["process_s"] / bare_process
                seen = f"{r['modelled']:.0%}" if "modelled" in r else "100%"
                holds = " ".join(f"{h:g}" for h in r.get("holds", []))
                first = f"{r['first_s']:.2f}" if r["first_s"] is not None and not mode.startswith("cli") else "-"
                print(
                    f"| {clip.stem} | {LABELS.get(mode, mode)} | {fps:.1f} | {fps / bare:.2f} | {process:.2f} | {r['rss_mb']:.0f} | {first} | {seen} | {r.get('reps', '')} | {holds} |",
                    flush=True,
                )
        exercise = args.exercise or args.clips[0].stem
        if args.long_track_minutes:
            track = long_track(args.clips[0], args.long_track_minutes, Path(tmp) / "long.npz")
            r = run_child("cli", track, exercise)
            print(memory_line(f"{args.long_track_minutes:g}-minute track, formcheck analyze", r), flush=True)
        if args.long_video_minutes:
            video = long_video(args.clips[0], args.long_video_minutes, Path(tmp) / "long.mp4")
            r = run_child("cli", video, exercise)
            print(memory_line(f"{args.long_video_minutes:g}-minute video, formcheck analyze", r), flush=True)
        for command, seconds in startup(report, Path(tmp) / "history.sqlite3").items():
            print(f"start-up: formcheck {command}: {seconds:.2f} s")
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
