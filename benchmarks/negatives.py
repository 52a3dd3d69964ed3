"""Phantom reps on clips of other exercises (``../shared/clips/negatives``).

Each ``looks_similar`` clip is analysed as the seed exercise it most resembles (the
table below, from the negatives' README: a plank beside cobra and child's pose, a pelvic
tilt beside bridges, ...); a correct analysis counts nothing. ``--all`` also runs the
``other`` clips (squats, lunges, presses) as every seed exercise of their posture.

    python benchmarks/negatives.py [--clips ../shared/clips/negatives] [--cache DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import landmark_source
from formcheck.core.errors import FormcheckError
from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import analyze
from formcheck.pose import create_estimator
from formcheck.reports.report import build_report

#: The seed exercises each look-alike could be mistaken for.
NEAREST: dict[str, tuple[str, ...]] = {
    "leg_raise_plank": ("cobra",),
    "reverse_crunch": ("knee_to_chest",),
    "clamshell": ("lower_back_rotation",),
    "other:seated_side_bend": ("neck_stretch",),
    "other:standing_torso_twist": ("neck_stretch",),
    "donkey_kick": ("cat_stretch", "cow_pose"),
    "side_plank_dips": ("bridge",),
    "scissor_kicks": ("leg_stretch", "knee_to_chest"),
    "plank_shoulder_taps": ("cobra",),
    "hollow_hold": ("bridge",),
    "pelvic_tilt": ("bridge",),
    "side_lying_leg_raise": ("hip_stretch",),
    "side_plank_hip_dips": ("bridge",),
    "crunch": ("bridge", "knee_to_chest"),
    "mob_downdog": ("childs_pose", "cobra"),
    "heel_touch": ("lower_back_rotation",),
    "downward_dog": ("childs_pose", "cobra"),
    "bottom_leg_lift": ("hip_stretch",),
    "plank": ("cobra", "childs_pose"),
    "side_plank": ("bridge",),
}
#: For the ``other`` clips (standing exercises): the standing and seated seed exercises.
STANDING = ("hip_stretch", "neck_stretch", "shoulder_blade_squeeze")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, default=ROOT.parent / "shared" / "clips" / "negatives")
    parser.add_argument("--cache", type=Path, help="folder for landmark tracks (outside the repo)")
    parser.add_argument("--all", action="store_true", help="also the 'other' clips, as the standing exercises")
    args = parser.parse_args()
    if not (args.clips / "negatives.csv").exists():
        print(f"no negatives at {args.clips}", file=sys.stderr)
        return 2
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    with open(args.clips / "negatives.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    runs = clean = 0
    for row in rows:
        nearest = NEAREST.get(row["exercise"], STANDING if args.all and row["kind"] == "other" else ())
        for exercise in nearest:
            try:
                source = landmark_source(args.clips / row["file"], args.cache)
            except FormcheckError as exc:
                print(f"{row['file'][:50]:50s} cannot be read: {exc}")
                break
            report = build_report(analyze(source, load_exercise(exercise), create_estimator))
            runs += 1
            clean += report.rep_count == 0
            mark = "" if report.rep_count == 0 else "  <-- phantom reps"
            print(f"{row['file'][:50]:50s} {row['exercise'][:24]:24s} as {exercise:22s} reps {report.rep_count}{mark}")
    print(f"\nnegative runs with no reps: {clean}/{runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
