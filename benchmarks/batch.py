"""Batch throughput: the same videos analysed one after another, with ``--jobs 2``, and
with ``--engine ray`` (a local Ray instance, 2 actors), in one run; then re-scored from
their kept landmark tracks.

Each mode is a whole ``formcheck analyze VIDEOS --out-dir`` process (start-up included),
into a fresh folder. Prints videos/s, the speed-ups over sequential, and the peak memory
of the whole process tree (the driver, its worker processes and, for Ray, its raylet,
GCS and workers), sampled from /proc every 0.1 s.

    python benchmarks/batch.py [--videos 8] [--exercise bridge] [--skip-ray]

Targets (issue 16): --jobs 2 >= 1.7x sequential on 2 cores; Ray's overhead over --jobs 2
<= 15 %; re-scoring from tracks >= 50x faster than from video. The numbers depend on
the machine being otherwise idle.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import analyze
from formcheck.pose import create_estimator

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * PAGE
    total = 0
    for pid in rss:
        p = pid
        while p > 1 and p != root:
            p = parents.get(p, 0)
        total += rss[pid] if p == root else 0
    return total


@dataclass
class Result:
    label: str
    seconds: float
    peak_mb: float
    videos: int

    @property
    def rate(self) -> float:
        return self.videos / self.seconds


def run(label: str, videos: list[Path], args: list[str], out_dir: Path) -> Result:
    command = [sys.executable, "-m", "formcheck", "analyze", *map(str, videos), "--out-dir", str(out_dir), "--quiet"]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    start = time.perf_counter()
    child = subprocess.Popen(command + args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], _tree_rss(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = child.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{label}: exit {child.returncode}\n{out.decode()}")
    return Result(label, seconds, peak[0] / 2**20, len(videos))


def rescore_in_process(tracks: Path, exercise: str) -> float:
    """Seconds to analyse every kept track in this process (no start-up, no pose model)."""
    ex = load_exercise(exercise)
    start = time.perf_counter()
    for track in sorted(tracks.rglob("*.npz")):
        analyze(track, ex, create_estimator)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, default=8, help="how many of samples/*.mp4 (default: %(default)s)")
    parser.add_argument("--exercise", default="bridge")
    parser.add_argument("--skip-ray", action="store_true")
    options = parser.parse_args()
    videos = sorted((ROOT / "samples").glob("*.mp4"))[: options.videos]
    with tempfile.TemporaryDirectory(prefix="formcheck-batch-bench-") as tmp:
        work = Path(tmp)
        tracks = work / "tracks"
        ex = ["-e", options.exercise]
        results = [run("sequential", videos, [*ex, "--tracks", str(tracks)], work / "seq")]
        results.append(run("--jobs 2", videos, [*ex, "--jobs", "2"], work / "jobs2"))
        if not options.skip_ray:
            results.append(
                run("--engine ray (local, 2)", videos, [*ex, "--engine", "ray", "--jobs", "2"], work / "ray")
            )
        rescore = run("re-score from tracks", videos, ["-e", "cobra", "--tracks", str(tracks)], work / "rescore")
        in_process = rescore_in_process(tracks, "cobra")
    sequential = results[0]
    print(f"{len(videos)} videos ({', '.join(v.stem for v in videos)}), {os.cpu_count()} cores")
    print(f"{'mode':28s} {'seconds':>8s} {'videos/s':>9s} {'vs seq':>7s} {'peak MiB':>9s}")
    for r in [*results, rescore]:
        print(f"{r.label:28s} {r.seconds:8.1f} {r.rate:9.3f} {sequential.seconds / r.seconds:6.2f}x {r.peak_mb:9.0f}")
    if len(results) == 3:
        print(f"Ray's overhead over --jobs 2: {results[2].seconds / results[1].seconds - 1:+.1%}")
    print(
        f"re-scoring from tracks in process: {in_process:.2f} s, {sequential.seconds / in_process:.0f}x faster than the sequential batch from video"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
