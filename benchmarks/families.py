"""Accuracy per footage family on randomised renders nobody tuned on (issue 19).

Renders a small seeded set of clips per family (variants people do, phone footage,
edited tutorials, clips that start mid-movement, short holds, one-sided exercises on
both sides, and clips of another exercise that must count 0), analyses each exactly as
``formcheck analyze CLIP -e ID --report R.json`` does, and prints per family: exact rep
counts, off-by-one, per-side counts right, holds found (a predicted hold overlapping at
least half of the true one) and their mean duration error, and phantom reps on 0-rep clips.

    python benchmarks/families.py [--quick] [--families phone,edited] [--jobs 1] [--cache DIR] [--seed 0]

Every random choice comes from ``--seed``, so a rerun regenerates the same clips; clips,
ground truth and landmark tracks are cached in ``--cache`` (outside the repository, under
names that hash the settings), so an interrupted run resumes. Delete the cache after
changing the renderer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import landmark_source  # noqa: E402
from benchmarks.synthetic_accuracy import hold_error_text, matched_hold_errors, render_once  # noqa: E402
from formcheck.exercises.loader import load_exercise  # noqa: E402
from formcheck.offline.analyze import analyze  # noqa: E402
from formcheck.pose import create_estimator  # noqa: E402
from formcheck.reports.report import build_report  # noqa: E402
from tools.render.body import SEXES, BodyShape  # noqa: E402
from tools.render.clip import ClipSpec  # noqa: E402
from tools.render.motions import BRIDGE_VARIANTS, EXERCISES  # noqa: E402
from tools.render.schedule import build_timeline  # noqa: E402
from tools.render.stitch import Caption, Card, Edit, Take, stitch  # noqa: E402

LANDSCAPE, PORTRAIT = (640, 360), (360, 640)
FPS = 30.0
MAX_CLIP_S = 14.0  # longer schedules are sped up to fit: clips stay 8-15 s
MAX_TEMPO = 1.5
HOLD_OVERLAP = 0.5  # a true hold is found when a predicted one covers half of it
SHIRTS = ("c8382f", "2f6fb0", "3c8c4a", "7a3e9d", "d0a020", "404040")
TROUSERS = ("23304f", "3b3b3b", "5a4632", "1f1f1f")
SKINS = ("e8bc98", "d9a27f", "b07850", "8d5524", "5c3a21")


@dataclass(frozen=True)
class Case:
    """One benchmark clip: what to render (and stitch), and what to analyse it as."""

    name: str
    family: str
    analysed_as: str
    renders: tuple[ClipSpec, ...]
    edit: Edit | None = None  # stitch the renders into this edit; None: the single render is the clip
    zero_reps: bool = False  # a clip of another exercise: the truth is 0 reps and no holds
    notes: str = ""

    @property
    def video(self) -> Path:
        """The clip to analyse; an edit is named by a hash of its shots (which name their renders)."""
        if self.edit is None:
            return self.renders[0].out
        digest = hashlib.sha1(repr(self.edit).encode()).hexdigest()[:10]
        return self.renders[0].out.with_name(f"{self.name}_{digest}.mp4")


@dataclass
class Draw:
    """The seeded random choices of one case, so each family reads as what it varies."""

    rng: np.random.Generator
    cache: Path

    def body(self) -> tuple[BodyShape, dict[str, str]]:
        h = float(self.rng.uniform(1.55, 1.95))
        w = float(np.clip(self.rng.uniform(19.0, 31.0) * h * h, 45.0, 120.0))
        sex = str(self.rng.choice(SEXES))
        colours = {
            "shirt": str(self.rng.choice(SHIRTS)),
            "trousers": str(self.rng.choice(TROUSERS)),
            "skin": str(self.rng.choice(SKINS)),
        }
        return BodyShape(round(h, 2), round(w, 1), sex), colours

    def spec(self, exercise: str, *, azimuth: tuple[float, float] = (-60.0, 60.0), **kw: Any) -> ClipSpec:
        """A clip with a random body, view (offset from the exercise's default azimuth), tempo and seed;
        ``kw`` overrides any ClipSpec field."""
        shape, colours = self.body()
        ex = EXERCISES[exercise]
        fields: dict[str, Any] = dict(
            exercise=exercise, reps=2, hold_s=float(self.rng.uniform(1.5, 3.0)),
            tempo=float(self.rng.uniform(0.85, 1.25)),
            azimuth_deg=round(ex.azimuth_deg + float(self.rng.uniform(*azimuth)), 1),
            elevation_deg=round(float(self.rng.uniform(5.0, 30.0)), 1), width=LANDSCAPE[0], height=LANDSCAPE[1],
            fps=FPS, body=shape, colours=colours, seed=int(self.rng.integers(1 << 16)), include_3d=False,
        )  # fmt: skip
        fields |= kw
        return cached(fit_length(ClipSpec(**fields)), self.cache)

    def oblique(self) -> tuple[float, float]:
        """30-60 degrees off the exercise's default view, to either side."""
        return (30.0, 60.0) if self.rng.random() < 0.5 else (-60.0, -30.0)


def fit_length(spec: ClipSpec) -> ClipSpec:
    """Speed the schedule up (to ``MAX_TEMPO``), then drop reps, until the clip lasts at most
    ``MAX_CLIP_S``: long clips cost render time and add nothing a shorter one would not show."""
    ex = EXERCISES[spec.exercise]
    while True:
        tl = build_timeline(ex, spec.reps, spec.hold_s, spec.sides, spec.tempo, spec.faults, spec.seed)
        t0 = 0.0 if spec.start_at is None else tl.start_of(spec.start_at)
        if tl.duration_s - t0 <= MAX_CLIP_S or (spec.reps == 1 and spec.tempo >= MAX_TEMPO):
            return spec
        if spec.tempo < MAX_TEMPO:
            spec = replace(spec, tempo=round(min(spec.tempo * 1.1, MAX_TEMPO), 3))
        else:
            spec = replace(spec, reps=spec.reps - 1, tempo=round(spec.tempo / 1.3, 3))


def cached(spec: ClipSpec, cache: Path) -> ClipSpec:
    """The spec with its output named by a hash of every setting (so a changed setting re-renders)."""
    settings = {k: v for k, v in asdict(spec).items() if k != "out"}
    digest = hashlib.sha1(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:10]
    return replace(spec, out=cache / f"{spec.exercise}_{digest}.mp4")


# --- the families ---------------------------------------------------------------------

FLOOR = ("bridge", "childs_pose", "cobra", "cat_stretch", "knee_to_chest")


def variants(d: Draw, i: int) -> Case:
    variant = BRIDGE_VARIANTS[i % len(BRIDGE_VARIANTS)]
    spec = d.spec("bridge", variant=variant, azimuth=(-40.0, 40.0))
    return Case(f"variants{i}", "variants", "bridge", (spec,), notes=variant)


def phone(d: Draw, i: int) -> Case:
    """Portrait or landscape, oblique, drifting, feet cut off: each case at least one of them."""
    exercise = FLOOR[(i + 3) % len(FLOOR)]
    portrait = d.rng.random() < 0.5
    drift = round(float(d.rng.uniform(15.0, 35.0)) * d.rng.choice((-1, 1)), 1) if d.rng.random() < 0.5 else 0.0
    crop = bool(d.rng.random() < 0.4)
    size = PORTRAIT if portrait or not (drift or crop) else LANDSCAPE
    spec = d.spec(exercise, azimuth=d.oblique(), width=size[0], height=size[1], drift_deg=drift, crop_feet=crop)
    notes = ",".join(n for n, on in (("portrait", size == PORTRAIT), ("drift", drift), ("crop_feet", crop)) if on)
    return Case(f"phone{i}", "phone", exercise, (spec,), notes=f"{notes} az {spec.azimuth_deg:+.0f}")


def edited(d: Draw, i: int) -> Case:
    """Title card, then (even cases) a cut to another angle in the middle of a rep, or (odd
    cases) two demonstrators in turn from different angles; a caption, a fade and an end card."""
    exercise = ("cobra", "bridge", "childs_pose")[i % 3]
    a = d.spec(exercise, azimuth=(-30.0, 30.0), hold_s=float(d.rng.uniform(1.0, 2.0)), reps=2 if i % 2 == 0 else 1)
    turn = float(d.rng.uniform(30.0, 60.0)) * d.rng.choice((-1, 1))
    if i % 2 == 0:
        b = cached(replace(a, azimuth_deg=round(a.azimuth_deg + turn, 1)), d.cache)  # same motion, another angle
        tl = build_timeline(EXERCISES[exercise], a.reps, a.hold_s, a.sides, a.tempo, a.faults, a.seed)
        rep = tl.reps[int(d.rng.integers(len(tl.reps)))]
        cut = round(float(d.rng.uniform(rep.start_s, rep.end_s)) * FPS) / FPS  # anywhere inside the rep
        takes, notes = (Take(a.out, 0.0, cut), Take(b.out, cut, None, 0.7)), f"cut {cut:.2f} s in rep {rep.index}"
    else:
        b = d.spec(exercise, reps=1, azimuth=(turn, turn), hold_s=a.hold_s)  # another person, another angle
        takes, notes = (Take(a.out), Take(b.out, 0.0, None, 0.7)), "two demonstrators"
    title = float(d.rng.uniform(1.5, 2.5))
    caption_at = title + float(d.rng.uniform(0.5, 3.0))
    edit = Edit(
        (Card(exercise.replace("_", " ").title(), title), *takes, Card("Thanks for watching", 1.5)),
        (Caption("Keep breathing", caption_at, caption_at + 2.5),),
    )
    return Case(f"edited{i}", "edited", exercise, (a, b), edit, notes=notes)


def midstart(d: Draw, i: int) -> Case:
    exercise = FLOOR[(i + 1) % len(FLOOR)]
    spec = d.spec(exercise, reps=3, start_at=round(float(d.rng.uniform(0.05, 0.9)), 2), azimuth=(-30.0, 30.0))
    return Case(f"midstart{i}", "midstart", exercise, (spec,), notes=f"start at {spec.start_at}")


def short_holds(d: Draw, i: int) -> Case:
    exercise = ("knee_to_chest", "bridge", "childs_pose", "cobra")[i % 4]
    spec = d.spec(exercise, hold_s=round(float(d.rng.uniform(1.0, 3.0)), 2), azimuth=(-30.0, 30.0))
    return Case(f"short_holds{i}", "short_holds", exercise, (spec,), notes=f"hold {spec.hold_s} s")


def sides(d: Draw, i: int) -> Case:
    exercise = ("knee_to_chest", "lower_back_rotation", "hip_stretch")[i % 3]
    spec = d.spec(exercise, reps=1, sides="both", azimuth=(-30.0, 30.0))
    return Case(f"sides{i}", "sides", exercise, (spec,), notes="left then right")


#: Rendered exercise -> the seed exercise it is analysed as (the nearest one): 0 reps expected.
NEGATIVES = (("cat_stretch", "cow_pose"), ("cow_pose", "cat_stretch"), ("knee_to_chest", "bridge"))


def zero(d: Draw, i: int) -> Case:
    rendered, analysed = NEGATIVES[i % len(NEGATIVES)]
    spec = d.spec(rendered, azimuth=(-30.0, 30.0))
    return Case(f"zero{i}", "zero", analysed, (spec,), zero_reps=True, notes=f"{rendered} as {analysed}")


FAMILIES: dict[str, Callable[[Draw, int], Case]] = {
    "variants": variants, "phone": phone, "edited": edited, "midstart": midstart,
    "short_holds": short_holds, "sides": sides, "zero": zero,
}  # fmt: skip
CASES_PER_FAMILY = 4


def build_cases(families: list[str], per_family: int, seed: int, cache: Path) -> list[Case]:
    """The seeded set: each (family, index) draws from its own stream, so --families and
    --quick pick subsets of the same clips."""
    cases = []
    for fam in families:
        for i in range(per_family):
            stream = np.random.default_rng([seed, list(FAMILIES).index(fam), i])
            cases.append(FAMILIES[fam](Draw(stream, cache), i))
    return cases


def prepare(case: Case) -> tuple[Path | str, float]:
    """Render (and stitch) the case's clip and track it, unless cached; or why the renderer
    cannot frame a drawn camera (reported and left out, not a crash of the whole run)."""
    start = time.perf_counter()
    for spec in case.renders:
        try:
            render_once(spec)
        except ValueError as error:
            return str(error), time.perf_counter() - start
    if case.edit is not None and not case.video.exists():
        stitch(case.edit, case.video)
    return landmark_source(case.video, case.video.parent), time.perf_counter() - start


# --- scoring --------------------------------------------------------------------------


@dataclass
class Result:
    case: Case
    gt_reps: int
    pred_reps: int
    gt_sides: dict[str, int] | None
    pred_sides: dict[str, int] | None
    hold_errors: list[float | None] = field(default_factory=list)  # per true hold; None: not found


def evaluate(case: Case, track: Path) -> Result:
    truth = json.loads(case.video.with_suffix(".json").read_text())
    report = build_report(analyze(track, load_exercise(case.analysed_as), create_estimator))
    reps = [] if case.zero_reps else truth["reps"]
    holds = [] if case.zero_reps else [(h["start_s"], h["end_s"]) for h in truth["holds"]]
    sided = truth["sides"] != "none" and not case.zero_reps
    return Result(
        case,
        len(reps),
        report.rep_count,
        {s: sum(r["side"] == s for r in reps) for s in ("left", "right")} if sided else None,
        report.rep_count_by_side if sided else None,
        matched_hold_errors(holds, [(h.start_s, h.end_s) for h in report.holds], HOLD_OVERLAP),
    )


def family_row(label: str, results: list[Result]) -> str:
    n = len(results)
    exact = sum(r.pred_reps == r.gt_reps for r in results)
    off1 = sum(abs(r.pred_reps - r.gt_reps) <= 1 for r in results)
    sided = [r for r in results if r.gt_sides is not None]
    sides = f"{sum(r.pred_sides == r.gt_sides for r in sided)}/{len(sided)}" if sided else "-"
    holds = [e for r in results for e in r.hold_errors]
    found = [e for e in holds if e is not None]
    hold_err = f"{np.mean(found):.2f}" if found else "-"
    zeros = [r for r in results if r.gt_reps == 0]
    phantom = (
        f"{sum(r.pred_reps for r in zeros)} on {sum(r.pred_reps > 0 for r in zeros)}/{len(zeros)}" if zeros else "-"
    )
    return (
        f"| {label} | {n} | {exact}/{n} | {off1}/{n} | {sides} | {len(found)}/{len(holds)} | {hold_err} | {phantom} |"
    )


def print_table(results: list[Result]) -> None:
    print("\n| family | clips | reps exact | off-by-one | sides right | holds found | hold err s | phantom reps |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for fam in dict.fromkeys(r.case.family for r in results):
        print(family_row(fam, [r for r in results if r.case.family == fam]))
    print(family_row("overall", results))
    print(
        f"holds found: true holds covered at least {HOLD_OVERLAP:.0%} by a predicted hold; hold err: mean"
        " |predicted - true| duration of those. phantom reps: reps counted on 0-rep clips (reps on clips/clips)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/formcheck-families"), help="outside the repo")
    parser.add_argument("--families", help=f"comma-separated, of {','.join(FAMILIES)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="one clip per family")
    parser.add_argument("--per-family", type=int, default=CASES_PER_FAMILY, help="clips per family")
    parser.add_argument("--jobs", type=int, default=1, help="clips rendered in parallel (the CPU is shared)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    families = args.families.split(",") if args.families else list(FAMILIES)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        print(f"unknown families: {', '.join(unknown)}; known: {', '.join(FAMILIES)}", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    cases = build_cases(families, 1 if args.quick else args.per_family, args.seed, args.cache)
    results: list[Result] = []
    skipped: list[str] = []
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
        for case, (track, seconds) in zip(cases, pool.map(prepare, cases)):
            if isinstance(track, str):
                skipped.append(case.name)
                print(f"{case.name:14s} skipped: {track}", flush=True)
                continue
            r = evaluate(case, track)
            results.append(r)
            sides = f"  sides {r.pred_sides}/{r.gt_sides}" if r.gt_sides is not None else ""
            print(
                f"{case.name:14s} {case.analysed_as:20s} reps {r.pred_reps}/{r.gt_reps}{sides}"
                f"  hold err {hold_error_text(r.hold_errors):16s} {case.notes}  ({seconds:.0f} s)",
                flush=True,
            )
    print_table(results)
    if skipped:
        print(f"left out, the renderer could not frame them: {', '.join(skipped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
