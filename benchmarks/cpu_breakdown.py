"""Where an analysis's CPU goes, against the bare decode + pose loop: CPU milliseconds a
frame, per thread, each mode in its own process.

CPU time is less sensitive to the machine's load than wall time (it still rises a
little under load: caches, hyper-threads). Each Python thread's ``time.thread_time``
is read as it ends, the main thread's at the end, and the rest of the process's
``getrusage`` is MediaPipe's own native threads (the pose model, and the people
counter's model when it counts). Modes: ``bare`` (as in ``throughput.py``),
``bare_people`` (with the people count every 2 s), ``lib`` (the library's ``analyze``,
every frame), ``asked`` (``analyze -e``'s path: plus the recognition watch).
``--track TRACK -e X`` instead times the rules alone on a landmark track (one thread,
no model): smoothing, the exercise's evaluator, and every exercise's rules as the
watch runs them.

    python benchmarks/cpu_breakdown.py samples/cobra.mp4 --exercise cobra [--modes bare asked]
    python benchmarks/cpu_breakdown.py --track cobra.npz --exercise cobra
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("bare", "bare_people", "lib", "asked")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _thread_times() -> dict[str, float]:
    """Each Python thread's CPU seconds, read as its ``run`` ends (by name)."""
    times: dict[str, float] = {}
    run = threading.Thread.run

    def timed(self: threading.Thread) -> None:
        try:
            run(self)
        finally:
            name = "people" if self.name.startswith("formcheck-people") else self.name
            times[name] = times.get(name, 0.0) + time.thread_time()

    threading.Thread.run = timed  # type: ignore[method-assign]
    return times


def child(mode: str, clip: Path, exercise: str) -> dict:
    threads = _thread_times()
    start = _cpu()
    import cv2

    from formcheck.exercises.loader import load_exercise
    from formcheck.offline.analyze import AnalysisOptions, analyze
    from formcheck.offline.recognised import analyze_asked
    from formcheck.pose import create_estimator
    from formcheck.pose.mediapipe_solution import MediaPipeSolutionEstimator
    from formcheck.sources.video import VideoFile

    if mode.startswith("bare"):
        estimator = MediaPipeSolutionEstimator(people_every_s=2.0 if mode == "bare_people" else None)
        frames = 0
        with VideoFile(clip) as source:
            for frame in source.frames():
                estimator.estimate(cv2.cvtColor(frame.image_bgr, cv2.COLOR_BGR2RGB), frame.index, frame.timestamp_s)
                frames += 1
        estimator.close()
    elif mode == "lib":
        frames = analyze(clip, load_exercise(exercise), create_estimator, AnalysisOptions()).frames
    else:
        outcome = analyze_asked(clip, load_exercise(exercise), create_estimator, AnalysisOptions())
        frames = outcome.session.frames  # type: ignore[union-attr]
    main = time.thread_time()
    total = _cpu() - start

    def ms(seconds: float) -> float:
        return round(1000 * seconds / frames, 2)

    return {
        "mode": mode,
        "frames": frames,
        "total": ms(total),
        "main": ms(main),
        **{name: ms(s) for name, s in threads.items()},
        "native": ms(total - main - sum(threads.values())),
    }


def rules_on_track(path: Path, exercise_id: str) -> dict:
    """The rules' CPU ms a frame on a track, one thread (``time.process_time``)."""
    from formcheck.engine.pipeline import Pipeline
    from formcheck.exercises.loader import load_exercise
    from formcheck.offline.analyze import FoundPoses
    from formcheck.offline.recognised import candidates
    from formcheck.recognition import EvidenceCollector
    from formcheck.smoothing.stage import SmoothingStage
    from formcheck.sources.track import Track

    track = Track.load(path)
    exercise = load_exercise(exercise_id)
    poses = list(track.frames())

    def ms(work) -> tuple[float, list]:
        start = time.process_time()
        out = work()
        return round(1000 * (time.process_time() - start) / len(poses), 3), out

    smoothing = SmoothingStage()
    smoothing_ms, smoothed = ms(lambda: [smoothing.update(p) for p in poses])
    pipeline = Pipeline(exercise, FoundPoses.of_track(path, track).info)
    evaluator_ms, states = ms(lambda: [pipeline.evaluator.update(p) for p in smoothed])
    exercises = candidates(exercise)
    alone = EvidenceCollector(exercises)
    watch_alone_ms, _ = ms(lambda: [alone.update(p) for p in smoothed])
    given = EvidenceCollector(exercises, given=next((e for e in exercises if e == exercise), None))
    watch_ms, _ = ms(lambda: [given.update(s.frame, s) for s in states])
    return {
        "frames": len(poses),
        "smoothing": smoothing_ms,
        "evaluator": evaluator_ms,
        f"all {len(exercises)} exercises' rules": watch_alone_ms,
        "the watch (asked exercise's states given)": watch_ms,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clip", type=Path, nargs="?")
    parser.add_argument("--exercise", required=True)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--track", type=Path)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.clip, args.exercise)))
        return 0
    if args.track:
        print(json.dumps(rules_on_track(args.track, args.exercise)))
        return 0
    print(f"load before: {os.getloadavg()[0]:.2f}; CPU ms a frame")
    for mode in args.modes:
        command = [sys.executable, __file__, str(args.clip), "--exercise", args.exercise, "--child", mode]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        print(out.strip().splitlines()[-1], flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
