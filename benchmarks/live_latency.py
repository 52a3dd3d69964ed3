"""Live latency: a clip played as a 30 fps camera through the live loop, headless.

Reports the processed rate, the median and 95th-percentile camera-to-overlay delay
(grab -> pose -> rules -> overlay drawn), the frames dropped because a newer one had
arrived, and whether the delay stays flat: the median over the first and the last
``--window`` seconds. Target: median delay <= one inference + one frame interval, and
the last window's median no more than one frame interval above the first's.

With ``--stride`` the live stride runs (the pose model skips still frames, holding the
last landmarks); the CPU time the process used per second of the session says what it
saves (a laptop's battery), beside the same delays.

    python benchmarks/live_latency.py [VIDEO] [--seconds 65] [--fps 30] [--exercise bridge] [--stride]
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.engine.stride import StrideParams
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.display import NullDisplay
from formcheck.feedback.voice import SilentEngine, Speaker
from formcheck.live.coach import LiveCoach, LiveOptions, StopFlag
from formcheck.pose import create_estimator  # noqa: E402
from formcheck.sources.camera import LatestFrameGrabber, PacedFile

DEFAULT_CLIP = ROOT.parent / "shared" / "clips" / "be_projects2018_fitness__bridge.mp4"


def _cpu_s() -> float:
    """This process's CPU seconds so far, every thread's (the pose model's own included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "video",
        type=Path,
        nargs="?",
        default=DEFAULT_CLIP if DEFAULT_CLIP.exists() else ROOT / "samples" / "bridge.mp4",
    )
    parser.add_argument("--seconds", type=float, default=65.0, help="how long to play (default: %(default)s)")
    parser.add_argument(
        "--fps", type=float, default=30.0, help="camera rate to play the clip at (default: %(default)s)"
    )
    parser.add_argument(
        "--window", type=float, default=10.0, help="seconds compared at the start and the end (default: %(default)s)"
    )
    parser.add_argument("--exercise", default="bridge")
    parser.add_argument("--stride", action="store_true", help="the live stride (the model skips still frames)")
    args = parser.parse_args()
    options = LiveOptions(countdown_s=0.0, stride=StrideParams() if args.stride else None)

    stop = StopFlag()
    estimator = create_estimator()
    speaker = Speaker(SilentEngine(), muted=True)
    with LatestFrameGrabber(PacedFile(args.video, loop=True, fps=args.fps)) as grabber:
        coach = LiveCoach(grabber, estimator, NullDisplay(), speaker, io.StringIO(), options, stop=stop)
        threading.Timer(args.seconds, stop.set).start()
        cpu_before = _cpu_s()
        coach.run(load_exercise(args.exercise))
        cpu_s = _cpu_s() - cpu_before
        grabbed, dropped = grabber.grabbed, grabber.dropped
    estimator.close()
    speaker.close()

    timings = coach.timings[5:]  # the first frames include the model's warm-up
    s = coach.summary()
    frame_ms = 1000.0 / args.fps
    end = timings[-1].t
    first = statistics.median(x.delay_s for x in timings if x.t <= timings[0].t + args.window) * 1000
    last = statistics.median(x.delay_s for x in timings if x.t >= end - args.window) * 1000
    median_ms, p95_ms, infer_ms = s["delay_median_s"] * 1000, s["delay_p95_s"] * 1000, s["infer_median_s"] * 1000
    budget = infer_ms + frame_ms
    print(f"clip: {args.video} played as a {args.fps:g} fps camera for {end:.0f} s")
    print(f"frames: {grabbed} grabbed, {len(coach.timings)} processed ({s['processed_fps']:.1f}/s), {dropped} dropped")
    print(f"inference (pose + rules) median: {infer_ms:.1f} ms")
    print(
        f"camera-to-overlay delay: median {median_ms:.1f} ms, p95 {p95_ms:.1f} ms (target median <= {budget:.1f} ms = inference + one frame)"
    )
    print(f"delay median, first {args.window:g} s: {first:.1f} ms; last {args.window:g} s: {last:.1f} ms")
    print(
        f"CPU: {cpu_s:.1f} s over the session, {cpu_s / end:.2f} s a second ({'stride' if args.stride else 'every frame'})"
    )
    ok_median = median_ms <= budget
    ok_flat = last <= first + frame_ms
    print(f"median within budget: {'yes' if ok_median else 'NO'}; flat over time: {'yes' if ok_flat else 'NO'}")
    return 0 if ok_median and ok_flat and end >= 60.0 else 1


if __name__ == "__main__":
    sys.exit(main())
