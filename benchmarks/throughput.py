"""Throughput, memory and start-up of formcheck, against a bare decode + pose loop.

For each clip, in one run: the bare loop (decode, then the pose model on every frame,
one after the other, no people count), ``analyze`` with the pose model on every frame (the default),
``analyze --stride`` (the adaptive stride) and ``analyze --stride --out`` (H.264), as
frames per second and as ratios to the bare loop; each in its own process, so each
has its own peak resident memory, and the time from the process's start to its first
analysed frame (what the progress bar shows first). Also the rep counts and hold
durations of the every-frame and strided runs (they must agree), the share of frames
the model saw, and the start-up time of the commands that need no pose model.

``--long-minutes N`` also analyses a generated N-minute video (the first clip looped)
for the peak memory of a long recording. Run it niced on a shared machine and give the
load (``uptime``) with the numbers.

    python benchmarks/throughput.py [CLIP ...] [--exercise bridge] [--long-minutes 10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples"
DEFAULT_CLIPS = [SAMPLES / "childs_pose.mp4", SAMPLES / "cobra.mp4", SAMPLES / "bridge.mp4"]
MODES = ("bare", "every", "stride", "out")
STARTUP = (["--version"], ["list"], ["show", "bridge"], ["report", "REPORT"], ["history"])


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, clip: Path, exercise: str, report: Path | None) -> dict:
    """One measurement, in this process (the parent runs each in a new one)."""
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
    result = build_report(session)
    if report is not None:
        write_json(result, report)
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
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {clip} failed ({proc.returncode})")
    return {**json.loads(lines[-1]), "first_s": first_s}


def startup(report: Path, history: Path) -> dict[str, float]:
    """Best of three wall times of each command that needs no pose model."""
    times = {}
    env = {**os.environ, "FORMCHECK_HISTORY": str(history)}
    for args in STARTUP:
        args = [str(report) if a == "REPORT" else a for a in args]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, env=env, check=True)
            best = min(best, time.perf_counter() - start)
        times[" ".join(a if a != str(report) else "REPORT.json" for a in args)] = best
    return times


def long_video(clip: Path, minutes: float, target: Path) -> Path:
    """``clip`` looped to ``minutes``, re-timed, as H.264 (for the memory of a long run)."""
    from formcheck.reports.video_writer import open_video_writer
    from formcheck.sources.video import VideoFile

    with VideoFile(clip) as source:
        frames = [f.image_bgr for f in source.frames()]
        fps, size = source.info.fps, source.info.size
    writer = open_video_writer(target, fps, size)
    for i in range(round(minutes * 60 * fps)):
        writer.write(frames[i % len(frames)], i / fps)
    writer.close()
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clips", type=Path, nargs="*", default=DEFAULT_CLIPS)
    parser.add_argument("--exercise", help="for clips not named after an exercise (samples are)")
    parser.add_argument("--long-minutes", type=float, default=0.0)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.clips[0], args.exercise, args.report)))
        return 0
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    header = "| clip | mode | frames/s | x bare | peak RSS MiB | first frame s | model saw | reps | holds s |"
    print(header)
    print("| --- " * (header.count("|") - 1) + "|")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        for clip in args.clips:
            exercise = args.exercise or clip.stem
            results = {mode: run_child(mode, clip, exercise, report if mode == "stride" else None) for mode in MODES}
            bare = results["bare"]["frames"] / results["bare"]["seconds"]
            for mode, r in results.items():
                fps = r["frames"] / r["seconds"]
                seen = f"{r['modelled']:.0%}" if "modelled" in r else "100%"
                holds = " ".join(f"{h:g}" for h in r.get("holds", []))
                first = f"{r['first_s']:.2f}" if r["first_s"] is not None else "-"
                print(
                    f"| {clip.name} | {mode} | {fps:.1f} | {fps / bare:.2f} | {r['rss_mb']:.0f} | {first} | {seen} | {r.get('reps', '')} | {holds} |"
                )
        if args.long_minutes:
            video = long_video(args.clips[0], args.long_minutes, Path(tmp) / "long.mp4")
            r = run_child("stride", video, args.exercise or args.clips[0].stem)
            print(
                f"long video ({args.long_minutes:g} min, {r['frames']} frames): {r['frames'] / r['seconds']:.1f} frames/s, peak RSS {r['rss_mb']:.0f} MiB"
            )
        for command, seconds in startup(report, Path(tmp) / "history.sqlite3").items():
            print(f"start-up: formcheck {command}: {seconds:.2f} s")
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
