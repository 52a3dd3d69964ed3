"""Joint-angle error by camera view: image-plane, metric 3D and fused angles against the
true 3D angles of rendered clips (``tools/render``, exact by construction).

For every rendered clip in ``--renders`` (``NAME.mp4`` beside its ``NAME.json`` ground
truth, as ``python -m tools.render ... -o DIR/NAME.mp4`` writes them), runs the pose
model once (tracks cached in ``--cache``), smooths the landmarks as the engine does, and
compares the knee, hip, elbow and shoulder angles measured three ways with the angle
between the rendered body's own 3D joints:

* ``image``: the angle in the picture (2D landmarks);
* ``world``: the angle between MediaPipe's metric 3D landmarks;
* ``fused``: the two blended by how squarely the body's sagittal plane faces the camera
  (as ``formcheck.measures`` does).

Prints the mean absolute error (degrees) per camera azimuth and space, then per joint.
Only frames where MediaPipe rates all three landmarks visible (>= 0.5) count.

    python benchmarks/view_angles.py --renders /tmp/renders [--cache /tmp/renders-tracks]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import landmark_source
from formcheck.core.geometry import angle_deg, picture_weight
from formcheck.core.landmarks import Landmark
from formcheck.measures.measure_set import body_axis
from formcheck.smoothing.one_euro import OneEuroSmoother
from formcheck.sources.track import Track
from tools.render.groundtruth import ANGLES

SPACES = ("image", "world", "fused")
VISIBLE = 0.5


def measured(frame, names: tuple[str, str, str]) -> dict[str, float] | None:
    """The angle at the middle landmark three ways, or None where not confidently seen."""
    idx = [Landmark[n.upper()] for n in names]
    if frame.world is None or float(frame.visibility[idx].min()) < VISIBLE:
        return None
    image = angle_deg(*(frame.xy[i] for i in idx))
    world_pts = [frame.world[i] for i in idx]
    world = angle_deg(*world_pts)
    weight = picture_weight(body_axis(frame.world))
    return {"image": image, "world": world, "fused": weight * image + (1 - weight) * world}


def clip_errors(video: Path, cache: Path) -> tuple[float, dict[tuple[str, str], list[float]]]:
    """The clip's camera azimuth, and absolute errors per (joint kind, space)."""
    truth = json.loads(video.with_suffix(".json").read_text())
    joints = {name: np.asarray(v, dtype=float) for name, v in truth["joints3d"].items()}
    errors: dict[tuple[str, str], list[float]] = defaultdict(list)
    smoother = OneEuroSmoother()
    for i, raw in enumerate(Track.load(landmark_source(video, cache)).frames()):
        frame = smoother.update(raw)
        if i >= len(truth["t"]):
            break
        for angle_name, names in ANGLES.items():
            got = measured(frame, names)
            if got is None:
                continue
            true = angle_deg(*(joints[n][i] for n in names))
            for space in SPACES:
                errors[(angle_name.split("_", 1)[1], space)].append(abs(got[space] - true))
    return float(truth["camera"]["azimuth_deg"]), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=Path, required=True, help="folder of rendered NAME.mp4 + NAME.json")
    parser.add_argument("--cache", type=Path, help="folder for landmark tracks (default: RENDERS/tracks)")
    args = parser.parse_args()
    cache = args.cache or args.renders / "tracks"
    cache.mkdir(parents=True, exist_ok=True)
    by_azimuth: dict[tuple[float, str], list[float]] = defaultdict(list)
    by_joint: dict[tuple[str, str], list[float]] = defaultdict(list)
    videos = sorted(v for v in args.renders.glob("*.mp4") if v.with_suffix(".json").exists())
    if not videos:
        print(f"no rendered clips in {args.renders}", file=sys.stderr)
        return 2
    for video in videos:
        azimuth, errors = clip_errors(video, cache)
        for (joint, space), errs in errors.items():
            by_azimuth[(abs(azimuth), space)] += errs
            by_joint[(joint, space)] += errs
    print(f"{len(videos)} clips; mean |measured - true 3D angle|, degrees")
    print(f"{'azimuth':>8s} " + " ".join(f"{s:>7s}" for s in SPACES) + "  samples")
    for azimuth in sorted({a for a, _ in by_azimuth}):
        row = [np.mean(by_azimuth[(azimuth, s)]) for s in SPACES]
        print(f"{azimuth:>8.0f} " + " ".join(f"{v:>7.1f}" for v in row) + f"  {len(by_azimuth[(azimuth, 'image')])}")
    print(f"{'joint':>8s} " + " ".join(f"{s:>7s}" for s in SPACES))
    for joint in sorted({j for j, _ in by_joint}):
        print(f"{joint:>8s} " + " ".join(f"{np.mean(by_joint[(joint, s)]):>7.1f}" for s in SPACES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
