"""CLI: ``python -m tools.render EXERCISE [options]`` writes an mp4 and its JSON."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tools.render.body import SEXES, BodyShape
from tools.render.clip import DEFAULT_COLOURS, ClipSpec, render_clip
from tools.render.motions import EXERCISES, GENERIC_FAULTS, STANDARD


def parse_faults(items: list[str]) -> dict[str, set[int] | None]:
    """``NAME`` applies to every rep, ``NAME@0,2`` to reps 0 and 2."""
    out: dict[str, set[int] | None] = {}
    for item in items:
        name, _, reps = item.partition("@")
        out[name] = {int(r) for r in reps.split(",")} if reps else None
    return out


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m tools.render", description=__doc__)
    ap.add_argument("exercise", choices=sorted(EXERCISES))
    ap.add_argument("-o", "--out", type=Path, help="output .mp4 (default out/<exercise>.mp4)")
    ap.add_argument("--reps", type=int, default=3, help="reps (per side for sided exercises)")
    ap.add_argument("--hold", type=float, help="hold seconds per rep (default: per exercise)")
    ap.add_argument("--sides", choices=("both", "left", "right"), default="both")
    ap.add_argument("--tempo", type=float, default=1.0, help=">1 moves faster")
    ap.add_argument("--azimuth", type=float, help="degrees; 0 = side view of the mat")
    ap.add_argument("--elevation", type=float, help="degrees above the horizon")
    ap.add_argument("--distance", type=float, help="metres (default: frame the motion)")
    ap.add_argument("--size", default="854x480", help="WIDTHxHEIGHT")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--height-m", type=float, default=1.70)
    ap.add_argument("--weight-kg", type=float, default=68.0)
    ap.add_argument("--sex", choices=SEXES, default="neutral")
    for part, colour in DEFAULT_COLOURS.items():
        ap.add_argument(f"--{part}", default=colour, help=f"hex colour (default {colour})")
    faults = sorted({f for e in EXERCISES.values() for f in e.faults} | set(GENERIC_FAULTS))
    ap.add_argument("--fault", action="append", default=[], help=f"NAME[@REP,...]; one of {faults}")
    ap.add_argument("--drift-deg", type=float, default=0.0, help="camera azimuth sweeps this far over the clip")
    ap.add_argument("--crop-feet", action="store_true", help="frame the clip with the feet out of the picture")
    ap.add_argument("--start-at", type=float, help="start this fraction (0..1) of the way through the first rep")
    variants = sorted({v for e in EXERCISES.values() for v in e.variants})
    ap.add_argument("--variant", default=STANDARD, help=f"a variant of the exercise; one of {variants}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-joints3d", action="store_true", help="leave joints3d out of the JSON")
    return ap


def main(argv: list[str] | None = None) -> None:
    ap = parser()
    args = ap.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    start = time.perf_counter()
    try:
        video, gt = render_clip(clip_spec(args, width, height))
    except ValueError as e:  # bad settings, or a framing they make impossible (e.g. --crop-feet)
        ap.error(str(e))
    print(f"wrote {video} and {gt} in {time.perf_counter() - start:.1f} s")


def clip_spec(args: argparse.Namespace, width: int, height: int) -> ClipSpec:
    return ClipSpec(
        exercise=args.exercise,
        out=args.out or Path("out") / f"{args.exercise}.mp4",
        reps=args.reps,
        hold_s=args.hold,
        sides=args.sides,
        tempo=args.tempo,
        azimuth_deg=args.azimuth,
        elevation_deg=args.elevation,
        distance_m=args.distance,
        width=width,
        height=height,
        fps=args.fps,
        body=BodyShape(args.height_m, args.weight_kg, args.sex),
        colours={"shirt": args.shirt, "trousers": args.trousers, "skin": args.skin},
        faults=parse_faults(args.fault),
        seed=args.seed,
        drift_deg=args.drift_deg,
        crop_feet=args.crop_feet,
        start_at=args.start_at,
        variant=args.variant,
        include_3d=not args.no_joints3d,
    )


if __name__ == "__main__":
    main()
