"""The adaptive stride against every-frame analysis, on the samples and the dev clips.

For each clip: the every-frame report (from its landmark track when ``--cache`` holds
one, a track being exactly what the model gives on every frame; else from the video),
the strided report (always from the video: the stride needs the pictures), and per clip
the rep counts (total and per side) both ways, the largest difference between paired
hold durations, the share of frames the model saw, and how the model's own landmarks
on the frames it saw after a gap differ from the every-frame run's on the same frames
(in body sizes: if MediaPipe's tracker lost or reset its region of interest across the
gaps, they would differ there). The issue's bar: counts identical and every hold within
0.2 s of every-frame analysis; the last lines say whether it holds on all clips.

``--live`` compares the live stride instead (``HeldPoses``: a skipped frame gets the
model's last landmarks at once), every frame of the video through the engine as live
coaching runs it, without the camera's pacing or dropped frames.

    python benchmarks/stride.py [--clips ../shared/clips] [--cache DIR] [--no-samples] [--live]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import expectations, landmark_source, read_labels  # noqa: E402
from formcheck.core.frame import PoseFrame  # noqa: E402
from formcheck.engine.pipeline import Pipeline  # noqa: E402
from formcheck.engine.session import Session  # noqa: E402
from formcheck.engine.stride import StrideParams  # noqa: E402
from formcheck.exercises.loader import load_exercise  # noqa: E402
from formcheck.exercises.schema import Exercise  # noqa: E402
from formcheck.offline.analyze import AnalysisOptions, analyze  # noqa: E402
from formcheck.pose import PoseEstimator, create_estimator  # noqa: E402
from formcheck.reports.report import build_report  # noqa: E402
from formcheck.sources.track import Track  # noqa: E402
from formcheck.sources.video import VideoFile  # noqa: E402

HOLD_TOLERANCE_S = 0.2  # issue 14
SAMPLES = ROOT / "samples"


class Recording(PoseEstimator):
    """The real estimator, keeping what the model said on each frame it saw."""

    def __init__(self, inner: PoseEstimator, seen: dict[int, PoseFrame]) -> None:
        self.inner, self.seen = inner, seen

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        pose = self.inner.estimate(image_rgb, index, timestamp_s)
        self.seen[index] = pose
        return pose

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        self.inner.close()


@dataclass(frozen=True)
class Comparison:
    clip: str
    exercise: str
    every: dict[str, Any]
    strided: dict[str, Any]
    modelled: float  # share of frames the model saw
    after_gap: list[float]  # per frame seen right after a gap: landmark distance to every-frame, body sizes

    @property
    def same_counts(self) -> bool:
        keys = ("rep_count", "rep_count_by_side")
        return all(self.every[k] == self.strided[k] for k in keys)

    @property
    def hold_diff(self) -> float:
        """The largest duration difference of paired holds (inf when their numbers differ)."""
        a, b = self.every["holds"], self.strided["holds"]
        if len(a) != len(b):
            return float("inf")
        return max((abs(x["duration_s"] - y["duration_s"]) for x, y in zip(a, b, strict=True)), default=0.0)

    @property
    def ok(self) -> bool:
        return self.same_counts and self.hold_diff <= HOLD_TOLERANCE_S


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Median landmark distance between two (33, 2) arrays, in body sizes (nan if either is missing)."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return float("nan")
    size = float(np.ptp(b, axis=0).max()) or 1.0
    return float(np.median(np.linalg.norm(a - b, axis=1)) / size)


def live_strided(video: Path, exercise: Exercise, seen: dict[int, PoseFrame]) -> Session:
    """The session of the live engine with the live stride over every frame of ``video``."""
    with VideoFile(video) as source:
        estimator = Recording(create_estimator(), seen)
        pipeline = Pipeline(exercise, source.info, estimator, live_stride=StrideParams())
        try:
            for frame in source.frames():
                pipeline.process(frame)
            return pipeline.finish()
        finally:
            pipeline.close()


def compare(video: Path, exercise: str, every_source: Path, live: bool = False) -> Comparison:
    ex = load_exercise(exercise)
    every = build_report(analyze(every_source, ex, create_estimator)).to_json()  # compared key by key
    seen: dict[int, PoseFrame] = {}
    if live:
        session = live_strided(video, ex, seen)
    else:
        options = AnalysisOptions(stride=StrideParams())
        session = analyze(video, ex, lambda: Recording(create_estimator(), seen), options)
    strided = build_report(session).to_json()
    track = Track.load(every_source) if every_source.suffix == ".npz" else None
    indices = sorted(seen)
    after = [j for i, j in zip(indices, indices[1:]) if j - i > 1]
    gaps = [distance(seen[j].xy, track.xy[j]) for j in after if track is not None and j < len(track.t)]
    return Comparison(video.name, exercise, every, strided, len(seen) / max(1, strided["frames"]), gaps)


def every_frame_source(video: Path, folders: list[Path]) -> Path:
    """The video's every-frame track from the first folder holding one, else made in the
    last folder (a shared cache stays read-only), else the video itself."""
    for folder in folders:
        if (folder / f"{video.stem}.npz").exists():
            return folder / f"{video.stem}.npz"
    return landmark_source(video, folders[-1] if folders else None)


def clips(args: argparse.Namespace) -> list[tuple[Path, str]]:
    """(video, exercise) of every sample and every supported dev clip."""
    found = []
    if not args.no_samples:
        for video in sorted(SAMPLES.glob("*.mp4")):
            found.append((video, json.loads(video.with_suffix(".json").read_text())["exercise"]))
    if (args.clips / "labels.csv").exists():
        for row in read_labels(args.clips):
            found.extend((args.clips / row["file"], expected.exercise) for expected in expectations(row))
    return found


def fmt_holds(report: dict[str, Any]) -> str:
    return " ".join(f"{h['duration_s']:.2f}" for h in report["holds"]) or "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, default=ROOT.parent / "shared" / "clips")
    parser.add_argument(
        "--cache",
        type=Path,
        action="append",
        default=[],
        help="folder of every-frame landmark tracks (outside the repo), repeatable: searched in turn, new ones made in the last",
    )
    parser.add_argument("--no-samples", action="store_true")
    parser.add_argument("--only", help="substring of the clip file names to run")
    parser.add_argument("--live", action="store_true", help="the live stride (held landmarks) instead")
    args = parser.parse_args()
    results = []
    print("| clip | exercise | reps every / stride | holds every s | holds stride s | max hold diff s | model saw |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for video, exercise in clips(args):
        if args.only and args.only not in video.name:
            continue
        r = compare(video, exercise, every_frame_source(video, args.cache), args.live)
        results.append(r)
        reps = f"{r.every['rep_count']} / {r.strided['rep_count']}" + ("" if r.same_counts else " <--")
        diff = f"{r.hold_diff:.2f}" + ("" if r.hold_diff <= HOLD_TOLERANCE_S else " <--")
        print(
            f"| {r.clip} | {exercise} | {reps} | {fmt_holds(r.every)} | {fmt_holds(r.strided)} | {diff} | {r.modelled:.0%} |",
            flush=True,
        )
    gaps = np.array([g for r in results for g in r.after_gap])
    gaps = gaps[np.isfinite(gaps)]
    if gaps.size:
        print(
            f"model's landmarks on the {gaps.size} frames seen right after a gap vs every frame: median "
            f"{np.median(gaps):.4f}, 95th percentile {np.percentile(gaps, 95):.4f}, worst {gaps.max():.4f} body sizes"
        )
    bad = [r for r in results if not r.ok]
    saw = sum(r.modelled * r.strided["frames"] for r in results) / max(1, sum(r.strided["frames"] for r in results))
    print(f"{len(results) - len(bad)} of {len(results)} runs: same counts and holds within {HOLD_TOLERANCE_S} s")
    print(f"the model saw {saw:.0%} of all frames")
    for r in bad:
        print(f"  differs: {r.clip} as {r.exercise}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
