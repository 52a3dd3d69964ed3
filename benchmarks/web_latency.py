"""Web latency: Chromium's fake camera playing a sample at 30 fps into the live page, the
frames going to ``formcheck serve`` over the WebSocket and the state coming back.

Reports the delay from the moment the page grabbed a frame to the moment its state was
back in the page (JPEG encoding, the socket both ways, JPEG decoding, pose and rules): median
and 95th percentile; the median server-side inference (pose + rules); the
frames the server dropped because a newer one had arrived and those the page did not
send while the previous one was still being encoded or sent; and whether the delay
stays flat: the median over the first and the last ``--window`` seconds.
Target: median delay <= one inference + one frame interval, no growth over the session.
Needs Debian's chromium and chromium-driver (and selenium, in the test extra).

    python benchmarks/web_latency.py [VIDEO] [--seconds 65] [--exercise bridge]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import available, browser, serve, wait_for, write_y4m

FRAME_MS = 1000.0 / 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("video", type=Path, nargs="?", default=ROOT / "samples" / "bridge.mp4")
    parser.add_argument("--seconds", type=float, default=65.0, help="how long to run (default: %(default)s)")
    parser.add_argument(
        "--window", type=float, default=10.0, help="seconds compared at the start and the end (default: %(default)s)"
    )
    parser.add_argument("--exercise", default="bridge")
    args = parser.parse_args()
    if not available():
        print("needs chromium, chromium-driver and selenium (apt-get install chromium chromium-driver)")
        return 2
    with tempfile.TemporaryDirectory(prefix="formcheck-web-latency-") as folder:
        tmp = Path(folder)
        y4m = write_y4m(args.video, tmp / "camera.y4m")
        with serve(tmp / "history.sqlite3") as url:
            driver = browser(
                tmp,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={y4m}",
            )
            try:
                driver.get(f"{url}/live?exercise={args.exercise}&countdown=0&mute=1")
                driver.find_element("id", "start").click()
                wait_for(
                    lambda: driver.execute_script("return window.formcheckTimings.frames.length") > 0, 60, "frames"
                )
                time.sleep(args.seconds)
                timings = driver.execute_script("return window.formcheckTimings")
            finally:
                driver.quit()
    frames = timings["frames"]
    t0 = frames[0][0]
    delays = sorted(f[1] for f in frames)
    infer = statistics.median(f[2] for f in frames)
    span_s = (frames[-1][0] - t0) / 1000.0
    first = [f[1] for f in frames if f[0] - t0 <= args.window * 1000.0]
    last = [f[1] for f in frames if frames[-1][0] - f[0] <= args.window * 1000.0]
    median = statistics.median(delays)
    p95 = delays[min(int(0.95 * len(delays)), len(delays) - 1)]
    target = infer + FRAME_MS
    print(f"{args.video.name} as a 30 fps camera for {span_s:.0f} s, {args.exercise}")
    print(f"  frames answered      {len(frames)} ({len(frames) / span_s:.1f} per second)")
    print(f"  server inference     median {infer:.1f} ms (pose + rules)")
    print(
        f"  grab -> state back   median {median:.1f} ms (target: inference + one frame, {target:.1f} ms), p95 {p95:.1f} ms"
    )
    print(
        f"  flat over time       first {args.window:g} s {statistics.median(first):.1f} ms, last {args.window:g} s {statistics.median(last):.1f} ms"
    )
    print(f"  dropped by server    {timings['dropped']} of {timings['received']} received (a newer frame had arrived)")
    print(f"  not sent by the page {timings['skipped']} (the previous frame was still being encoded or sent)")
    ok = median <= target and statistics.median(last) <= statistics.median(first) + FRAME_MS
    print(f"  {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
