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

Then the same for the ``height`` measures of each clip's own exercise file (how far one
point is above another, in a body segment's length), taken in the picture and in the 3D
landmarks, against the rendered body's: the evidence for where heights are measured.

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
from formcheck.core.geometry import angle_deg, distance, height_above, picture_weight
from formcheck.core.landmarks import Landmark
from formcheck.exercises.loader import load_exercise
from formcheck.measures.measure_set import CompiledMeasure, body_axis
from formcheck.smoothing.one_euro import OneEuroSmoother
from formcheck.sources.track import Track
from tools.render.groundtruth import ANGLES

SPACES = ("image", "world", "fused")
HEIGHT_SPACES = ("image", "world", "fused")
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


def height_measures(exercise: str) -> dict[str, dict[str, CompiledMeasure]]:
    """The exercise file's height measures (left side), compiled once per space."""
    specs = {n: m for n, m in load_exercise(exercise).measures.items() if m.kind == "height"}
    return {
        name: {
            space: CompiledMeasure.compile(name, spec.model_copy(update={"space": space}), "left")
            for space in HEIGHT_SPACES
        }
        for name, spec in specs.items()
    }


def true_height(measure: CompiledMeasure, joints: dict[str, np.ndarray], i: int) -> float:
    """The rendered body's value of a height measure (the renderer's y points up)."""

    def point(group: tuple[int, ...]) -> np.ndarray:
        return np.mean([joints[Landmark(j).name.lower()][i] * (1, -1, 1) for j in group], axis=0)

    ref = distance(*(point(g) for g in measure.per))
    return height_above(*(point(g) for g in measure.points)) / ref if ref > 0 else float("nan")


def clip_errors(video: Path, cache: Path) -> tuple[float, dict[tuple[str, str], list[float]]]:
    """The clip's camera azimuth, and absolute errors per (joint kind or height measure, space)."""
    truth = json.loads(video.with_suffix(".json").read_text())
    joints = {name: np.asarray(v, dtype=float) for name, v in truth["joints3d"].items()}
    heights = height_measures(truth["exercise"])
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
        for name, by_space in heights.items():
            true = true_height(by_space["image"], joints, i)
            for space, measure in by_space.items():
                got = measure.evaluate(frame, VISIBLE)
                if not np.isnan(got) and not np.isnan(true):
                    errors[(f"height:{truth['exercise']}.{name}", space)].append(abs(got - true))
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
    heights_by_azimuth: dict[tuple[float, str], list[float]] = defaultdict(list)
    for video in videos:
        azimuth, errors = clip_errors(video, cache)
        for (joint, space), errs in errors.items():
            if joint.startswith("height:"):
                heights_by_azimuth[(abs(azimuth), space)] += errs
            else:
                by_azimuth[(abs(azimuth), space)] += errs
            by_joint[(joint, space)] += errs
    print(f"{len(videos)} clips; mean |measured - true 3D angle|, degrees")
    print_table("azimuth", by_azimuth, SPACES, "{:>7.1f}")
    print_table("joint", {k: v for k, v in by_joint.items() if not k[0].startswith("height:")}, SPACES, "{:>7.1f}")
    if heights_by_azimuth:
        print("height measures of the exercise files; mean |measured - true|, in their reference lengths")
        print_table("azimuth", heights_by_azimuth, HEIGHT_SPACES, "{:>7.3f}")
        print_table(
            "measure", {k: v for k, v in by_joint.items() if k[0].startswith("height:")}, HEIGHT_SPACES, "{:>7.3f}"
        )
    return 0


def print_table(key: str, errors: dict[tuple, list[float]], spaces: tuple[str, ...], fmt: str) -> None:
    """One row per key (an azimuth, joint or measure): the mean error in each space."""
    width = max([8] + [len(str(k)) for k, _ in errors])
    print(f"{key:>{width}s} " + " ".join(f"{s:>7s}" for s in spaces) + "  samples")
    for row_key in sorted({k for k, _ in errors}):
        cells = " ".join(fmt.format(np.mean(errors[(row_key, s)])) for s in spaces)
        label = f"{row_key:.0f}" if isinstance(row_key, float) else row_key
        print(f"{label:>{width}s} {cells}  {len(errors[(row_key, spaces[0])])}")


if __name__ == "__main__":
    sys.exit(main())
