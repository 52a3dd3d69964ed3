"""Render the committed sample clips into ``samples/`` (one per exercise).

Run ``python -m tools.render.make_samples [EXERCISE ...]``; the settings
here are the ones the committed files were made with.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.render.clip import ClipSpec, render_clip

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# exercise -> (reps, hold seconds); sided exercises do the reps per side.
SETTINGS: dict[str, tuple[int, float]] = {
    "bridge": (3, 3.0),
    "childs_pose": (2, 3.0),
    "knee_to_chest": (1, 3.0),
    "lower_back_rotation": (1, 3.0),
    "cat_stretch": (3, 1.5),
    "cow_pose": (3, 1.5),
    "cobra": (2, 2.5),
    "shoulder_blade_squeeze": (2, 3.0),
    "neck_stretch": (2, 3.0),
    "hip_stretch": (1, 3.0),
    "leg_stretch": (3, 1.5),
    "aerobics": (8, 0.0),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("exercises", nargs="*", default=list(SETTINGS))
    args = ap.parse_args()
    for ex in args.exercises:
        reps, hold = SETTINGS[ex]
        spec = ClipSpec(exercise=ex, out=SAMPLES / f"{ex}.mp4", reps=reps, hold_s=hold, include_3d=False)
        video, gt = render_clip(spec)
        print(f"{video.name}: {video.stat().st_size / 1e3:.0f} KB, {gt.name}: {gt.stat().st_size / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
