"""Throughput of ``formcheck analyze`` against a bare decode + pose loop, in one run.

The bare loop runs the pose model alone (no people count), so the ratio includes
everything formcheck adds to it: smoothing, rules, the scene watch and the people count.

Both loops run on the same clip in the same process, alternating, so machine noise
affects both; the target is a ratio (analyze / bare) of at least 0.9. Also prints the
peak resident memory of the process.

    python benchmarks/throughput.py [VIDEO] [--exercise bridge] [--rounds 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import analyze
from formcheck.pose import create_estimator  # noqa: E402
from formcheck.pose.mediapipe_solution import MediaPipeSolutionEstimator  # noqa: E402
from formcheck.sources.video import VideoFile

DEFAULT_CLIP = ROOT.parent / "shared" / "clips" / "be_projects2018_fitness__bridge.mp4"


def bare(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    estimator = MediaPipeSolutionEstimator(people_every_s=None)
    n = 0
    with VideoFile(path) as source:
        for frame in source.frames():
            estimator.estimate(cv2.cvtColor(frame.image_bgr, cv2.COLOR_BGR2RGB), frame.index, frame.timestamp_s)
            n += 1
    estimator.close()
    return n, time.perf_counter() - start


def full(path: Path, exercise: str) -> tuple[int, float]:
    start = time.perf_counter()
    session = analyze(path, load_exercise(exercise), create_estimator)
    return session.frames, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "video",
        type=Path,
        nargs="?",
        default=DEFAULT_CLIP if DEFAULT_CLIP.exists() else ROOT / "samples" / "bridge.mp4",
    )
    parser.add_argument("--exercise", default="bridge")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    bare_fps, full_fps = [], []
    for _ in range(args.rounds):
        n, s = bare(args.video)
        bare_fps.append(n / s)
        n, s = full(args.video, args.exercise)
        full_fps.append(n / s)
    b, f = max(bare_fps), max(full_fps)
    print(f"clip: {args.video}")
    print(f"bare decode+pose: {b:6.1f} frames/s   formcheck analyze: {f:6.1f} frames/s   ratio: {f / b:.3f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
