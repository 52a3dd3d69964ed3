"""Counting accuracy on the real, hand-labelled clips in ``../shared/clips``.

For every clip whose exercise formcheck supports, runs the same analysis as
``formcheck analyze`` and prints predicted vs labelled reps (and per side), labelled vs
found holds, then, for the tuning half and the checking half of the clips apart (see
``CHECKING``): exact and off-by-one rep counts, MAE (|pred - gt| / max(gt, 1)), phantom
reps on clips labelled 0, labelled holds of 1 s or more found (a predicted hold covering
at least half of it) and their duration within 1 s, per-side counts, and exact counts on
the clean (one person, no cuts) clips of bridges, child's pose and knee to chest.

    python benchmarks/accuracy.py [--clips ../shared/clips] [--cache DIR]

``--cache`` keeps each clip's landmark track (pose model output) in DIR so re-runs
while tuning take seconds. Keep that folder outside the repository: tracks are data
extracted from the clips and may not be committed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.exercises.kinds import DEFAULT_SPACE, WORLD_KINDS
from formcheck.exercises.loader import exercise_ids, load_exercise
from formcheck.offline.analyze import analyze
from formcheck.pose import create_estimator  # noqa: E402
from formcheck.reports.report import build_report
from formcheck.sources.scene import SceneWatch
from formcheck.sources.track import Track
from formcheck.sources.video import VideoFile

#: Labels that cover two exercises: each exercise with the indices of its holds in the
#: label's hold list. A cat_cow clip's holds are "cow hold then cat hold" (labels.csv),
#: and one full cycle is one rep of each.
SPLIT_LABELS = {"cat_cow": (("cow_pose", (0,)), ("cat_stretch", (1,)))}
HOLD_TOLERANCE_S = 1.0
MIN_LABELLED_HOLD_S = 1.0  # shorter dwells (a brief top) are not holds the exercises time
CLEAN_FAMILIES = ("bridge", "childs_pose", "knee_to_chest")

#: The checking half: thresholds are never changed on evidence from these clips. The
#: clips that arrived after the first tuning, sorted by name, every other one from the
#: second (the first half of them, and every clip tuned on before, are the tuning half).
CHECKING = frozenset(
    {
        "fitsens__cobra_stretch.mp4",
        "hpy_merged_exercise__chin-drop.mp4",
        "nhien_yoga_gym__child_pose.mp4",
        "trajnovd_workout_app__weighted_glute_bridges.mp4",
    }
)


@dataclass(frozen=True)
class Expectation:
    exercise: str
    reps: int
    sides: tuple[int, int] | None
    holds: list[tuple[float, float]]


def expectations(row: dict[str, str]) -> list[Expectation]:
    """What a labelled clip should give, per supported exercise (none if unsupported)."""
    sides = (int(row["reps_left"]), int(row["reps_right"])) if row["reps_left"] else None
    holds = parse_holds(row["holds"])
    label = row["exercise_label"]
    split = SPLIT_LABELS.get(label, ((label, tuple(range(len(holds)))),))
    known = set(exercise_ids())
    return [
        Expectation(ex, int(row["reps"]), sides, [holds[i] for i in idx if i < len(holds)])
        for ex, idx in split
        if ex in known
    ]


@dataclass
class ClipResult:
    file: str
    exercise: str
    gt_reps: int
    pred_reps: int
    gt_sides: tuple[int, int] | None
    pred_sides: tuple[int, int] | None
    gt_holds: list[tuple[float, float]]
    pred_holds: list[tuple[float, float]]
    faults: list[str]  # checks that fired, setup ones included
    clean: bool = False  # one person, body in view, no cuts (labels.csv)

    @property
    def checking(self) -> bool:
        return self.file in CHECKING

    @property
    def error(self) -> float:
        return abs(self.pred_reps - self.gt_reps) / max(self.gt_reps, 1)

    def long_holds_found(self) -> list[float | None]:
        """For each labelled hold of ``MIN_LABELLED_HOLD_S`` or more, the duration error of
        a predicted hold covering at least half of it (None: not found)."""
        found: list[float | None] = []
        for g0, g1 in self.gt_holds:
            if g1 - g0 < MIN_LABELLED_HOLD_S:
                continue
            covering = [(p0, p1) for p0, p1 in self.pred_holds if min(g1, p1) - max(g0, p0) >= (g1 - g0) / 2]
            best = max(covering, key=lambda p: min(g1, p[1]) - max(g0, p[0]), default=None)
            found.append(None if best is None else (best[1] - best[0]) - (g1 - g0))
        return found

    def hold_errors(self) -> list[float | None]:
        """For each labelled hold, the duration error of the predicted hold overlapping it most."""
        errors: list[float | None] = []
        for g0, g1 in self.gt_holds:
            best, overlap = None, 0.0
            for p0, p1 in self.pred_holds:
                o = min(g1, p1) - max(g0, p0)
                if o > overlap:
                    best, overlap = (p1 - p0) - (g1 - g0), o
            errors.append(best)
        return errors


def read_labels(clips: Path) -> list[dict[str, str]]:
    with open(clips / "labels.csv", newline="") as f:
        return list(csv.DictReader(f))


def parse_holds(text: str) -> list[tuple[float, float]]:
    return [tuple(float(x) for x in part.split("-")) for part in text.split(";") if part.strip()]  # type: ignore[misc]


def landmark_source(video: Path, cache: Path | None) -> Path:
    """The clip itself, or its cached landmark track (made on first use)."""
    if cache is None:
        return video
    track_path = cache / f"{video.stem}.npz"
    if not track_path.exists():
        estimator, scene = create_estimator(), SceneWatch()
        with VideoFile(video) as src:
            frames = [
                estimator.estimate(cv2.cvtColor(f.image_bgr, cv2.COLOR_BGR2RGB), f.index, f.timestamp_s).with_scene(
                    *scene.update(f.image_bgr)
                )
                for f in src.frames()
            ]
            Track.from_frames(frames, str(video), src.info.fps).save(track_path)
        estimator.close()
    return track_path


def evaluate_clip(row: dict[str, str], expected: Expectation, clips: Path, cache: Path | None) -> ClipResult:
    session = analyze(landmark_source(clips / row["file"], cache), load_exercise(expected.exercise), create_estimator)
    report = build_report(session)
    by_side = report.rep_count_by_side
    return ClipResult(
        file=row["file"],
        exercise=expected.exercise,
        gt_reps=expected.reps,
        pred_reps=report.rep_count,
        gt_sides=expected.sides,
        pred_sides=(by_side["left"], by_side["right"]) if by_side else None,
        gt_holds=expected.holds,
        pred_holds=[(h.start_s, h.end_s) for h in report.holds],
        faults=sorted({f.check for f in report.faults}),
        clean=row["clean"] == "yes",
    )


def fmt_holds(holds: list[tuple[float, float]]) -> str:
    return " ".join(f"{a:.1f}-{b:.1f}" for a, b in holds) or "-"


def kind_space(text: str) -> tuple[str, str]:
    """``KIND=SPACE`` for ``--space``, checked against what the exercise schema allows."""
    kind, _, space = text.partition("=")
    if kind not in WORLD_KINDS or space not in ("image", "world", "fused"):
        raise argparse.ArgumentTypeError(f"expected KIND=SPACE with KIND in {', '.join(WORLD_KINDS)}, got {text!r}")
    return kind, space


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, default=ROOT.parent / "shared" / "clips")
    parser.add_argument("--cache", type=Path, help="folder for landmark tracks (outside the repo)")
    parser.add_argument("--only", help="substring of the clip file names to run")
    parser.add_argument(
        "--space",
        action="append",
        default=[],
        type=kind_space,
        metavar="KIND=SPACE",
        help="measure this kind (angle, height...) in this space (image, world, fused) instead of "
        "the default (exercises.kinds.DEFAULT_SPACE); repeatable",
    )
    args = parser.parse_args()
    if not (args.clips / "labels.csv").exists():
        print(f"no labelled clips at {args.clips}", file=sys.stderr)
        return 2
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    DEFAULT_SPACE.update(dict(args.space))
    results = []
    for row in read_labels(args.clips):
        if args.only and args.only not in row["file"]:
            continue
        for expected in expectations(row):
            results.append(evaluate_clip(row, expected, args.clips, args.cache))
    print(
        f"{'clip':52s} {'exercise':14s} {'reps gt/pred':>12s} {'sides gt/pred':>15s}  holds gt | pred (duration error)"
    )
    for r in results:
        sides = f"{r.gt_sides}/{r.pred_sides}" if r.gt_sides or r.pred_sides else ""
        errs = r.hold_errors()
        err_text = ", ".join("missed" if e is None else f"{e:+.1f}s" for e in errs)
        mark = "" if r.pred_reps == r.gt_reps else "  <-- reps"
        print(
            f"{r.file[:52]:52s} {r.exercise:14s} {r.gt_reps:>5d}/{r.pred_reps:<6d} {sides:>15s}  {fmt_holds(r.gt_holds)} | {fmt_holds(r.pred_holds)} {('(' + err_text + ')') if err_text else ''}{mark}"
        )
    if not results:
        print("no supported clips")
        return 1
    print(f"\n{'':10s} {Scores.HEADER}")
    for name, part in (
        ("tuning", [r for r in results if not r.checking]),
        ("checking", [r for r in results if r.checking]),
        ("all", results),
    ):
        print(f"{name:10s} {Scores.of(part).row()}")
    return 0


def _ratio(ok: int, n: int) -> str:
    return f"{ok}/{n}"


@dataclass(frozen=True)
class Scores:
    """The numbers issue-style tables quote, for a set of clip results."""

    HEADER: ClassVar[str] = "exact   off-by-1  MAE    0-rep-phantoms  holds>=1s-found  within-1s  sides  clean-exact"

    n: int
    exact: int
    off_by_one: int
    mae: float
    phantom: int
    zero_rep: int
    holds_found: int
    holds_within: int
    holds_n: int
    sides_ok: int
    sides_n: int
    clean_exact: int
    clean_n: int

    @classmethod
    def of(cls, results: list[ClipResult]) -> Scores:
        holds = [e for r in results for e in r.long_holds_found()]
        sided = [r for r in results if r.gt_sides]
        clean = [r for r in results if r.clean and r.exercise in CLEAN_FAMILIES]
        return cls(
            n=len(results),
            exact=sum(r.pred_reps == r.gt_reps for r in results),
            off_by_one=sum(abs(r.pred_reps - r.gt_reps) <= 1 for r in results),
            mae=sum(r.error for r in results) / max(len(results), 1),
            phantom=sum(r.gt_reps == 0 and r.pred_reps > 0 for r in results),
            zero_rep=sum(r.gt_reps == 0 for r in results),
            holds_found=sum(e is not None for e in holds),
            holds_within=sum(e is not None and abs(e) <= HOLD_TOLERANCE_S for e in holds),
            holds_n=len(holds),
            sides_ok=sum(r.gt_sides == r.pred_sides for r in sided),
            sides_n=len(sided),
            clean_exact=sum(r.pred_reps == r.gt_reps for r in clean),
            clean_n=len(clean),
        )

    def row(self) -> str:
        return (
            f"{_ratio(self.exact, self.n):7s} {_ratio(self.off_by_one, self.n):9s} {self.mae:.3f}  "
            f"{_ratio(self.phantom, self.zero_rep):15s} {_ratio(self.holds_found, self.holds_n):16s} "
            f"{_ratio(self.holds_within, self.holds_n):10s} {_ratio(self.sides_ok, self.sides_n):6s} "
            f"{_ratio(self.clean_exact, self.clean_n)}"
        )


if __name__ == "__main__":
    sys.exit(main())
