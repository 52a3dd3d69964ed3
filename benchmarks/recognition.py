"""Exercise recognition on the real clips: the labelled seed clips and the negatives.

Prints per clip the truth, the recognised exercise and its confidence; then a confusion
table (truth by row, recognised by column, "none" for nothing recognised), top-1
accuracy on the seed clips for the tuning and the checking half apart (``CHECKING`` in
``benchmarks/accuracy.py``; a cat-cow clip is right as either cat or cow), the share of
negatives called "none" (the ``looks_similar`` ones apart), whether the reps counted in
auto mode equal those with ``-e`` on the clips recognised right, and the time the
recognition adds against the pose model's time per frame. Then, for routine recordings
(the rendered samples' true landmarks stitched one after another: the seed routine of
``routines/default.toml`` in its order, and two three-exercise routines), the segments
found against those stitched and each segment's start and end error against the cuts.

    python benchmarks/recognition.py --cache DIR [--cache DIR ...] [--neg-cache DIR ...] [--why] [--cached-only]

``--why`` prints under each miss the factors of the score (``scoring.ScoreParts``) of the
true exercise and of the one named: which evidence was absent, which made a look-alike
look like it.

``--cache`` and ``--neg-cache`` hold landmark tracks (made on first use; keep them out
of the repository). Several folders are searched in turn; missing tracks are made in
the last one (so a shared, read-only cache can come first); ``--cached-only`` makes
none and leaves those clips out, naming them (a shared cache still filling).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import CHECKING, SPLIT_LABELS, landmark_source
from formcheck.core.errors import FormcheckError
from formcheck.exercises.loader import load_exercise
from formcheck.exercises.routine import load_routine
from formcheck.offline.analyze import AnalysisOptions, FoundPoses, analyze
from formcheck.offline.recognised import candidates
from formcheck.pose import create_estimator
from formcheck.recognition import Evidence, collect_evidence, recognise
from formcheck.recognition.scoring import ScoreParams, score_parts
from formcheck.recognition.segments import find_segments
from formcheck.sources.track import Track
from formcheck.sources.video import VideoFile
from tests.truth_tracks import SAMPLES, stitched, truth_track

NONE = "none"
#: Routines besides the seed one: the one ``tests/test_segments.py`` counts through the
#: CLI, and one whose cobra and child's pose share a posture (folded, the child's pose
#: reads as prone).
ROUTINES = (("knee_to_chest", "cat_stretch", "neck_stretch"), ("bridge", "cobra", "childs_pose"))


def truths(label: str) -> set[str]:
    """The exercise ids a label accepts (a cat-cow flow is either); other labels: none."""
    ids = {ex for ex, _ in SPLIT_LABELS.get(label, ((label, ()),))}
    known = {ex.id for ex in candidates() if ex.recognition.auto}
    return (ids & known) or {NONE}


def pose_ms_per_frame(video: Path, frames: int = 60) -> float:
    """The pose model's time per frame on the first ``frames`` of a video."""
    estimator = create_estimator()
    spent, n = 0.0, 0
    with VideoFile(video) as src:
        for f in src.frames():
            rgb = cv2.cvtColor(f.image_bgr, cv2.COLOR_BGR2RGB)
            start = time.perf_counter()
            estimator.estimate(rgb, f.index, f.timestamp_s)
            spent += time.perf_counter() - start
            n += 1
            if n >= frames:
                break
    estimator.close()
    return 1000.0 * spent / n


def find_track(video: Path, caches: list[Path], make: bool = True) -> Path | None:
    """The clip's cached track, else one made in the last cache (None: not cached, and
    ``make`` is off)."""
    for cache in caches:
        if (cache / f"{video.stem}.npz").exists():
            return cache / f"{video.stem}.npz"
    return landmark_source(video, caches[-1]) if make else None


def why(evidence: Evidence, ids: list[str]) -> None:
    """The score factors of these exercises on the whole clip, one line each."""
    for trace in evidence.traces:
        if trace.exercise.id in ids:
            parts = score_parts(trace, evidence, 0, len(evidence.t), ScoreParams())
            factors = "  ".join(f"{name} {value:.2f}" for name, value in vars(parts).items())
            print(f"     {trace.exercise.id:22s} {parts.total:.2f} = {factors}")


def routine_segments(names: tuple[str, ...]) -> None:
    """The segments of the rendered samples ``names`` stitched into one track, and how far
    each segment's start and end are from the cuts between the parts."""
    whole, _, cuts = stitched([truth_track(SAMPLES / f"{name}.json") for name in names])
    spans = find_segments(collect_evidence(whole.frames(), candidates()))
    found = [span.exercise.id for span in spans]
    print(
        f"{' > '.join(names)}: {len(spans)} segments of {len(names)}" + ("" if found == list(names) else f" ({found})")
    )
    if found != list(names):
        return
    errors = [err for i, span in enumerate(spans) for err in (span.start_s - cuts[i], span.end_s - cuts[i + 1])]
    for name, span, (off_start, off_end) in zip(names, spans, zip(errors[::2], errors[1::2], strict=True), strict=True):
        print(f"  {name:24s} {span.start_s:6.1f}-{span.end_s:6.1f} s  start {off_start:+.1f} s, end {off_end:+.1f} s")
    print(
        f"  boundary errors: max {max(abs(e) for e in errors):.1f} s, mean {sum(abs(e) for e in errors) / len(errors):.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, default=ROOT.parent / "shared" / "clips")
    parser.add_argument("--cache", type=Path, action="append", required=True, help="folders for the clips' tracks")
    parser.add_argument("--neg-cache", type=Path, action="append", help="folders for the negatives' tracks")
    parser.add_argument("--why", action="store_true", help="print the score factors under each miss")
    parser.add_argument(
        "--cached-only", action="store_true", help="skip clips with no cached track yet (a cache still filling)"
    )
    args = parser.parse_args()
    if not (args.clips / "labels.csv").exists():
        print(f"no labelled clips at {args.clips}", file=sys.stderr)
        return 2
    neg_caches = args.neg_cache or args.cache
    for cache in [*args.cache, *neg_caches]:
        cache.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, Path, str]] = []  # file, truth label, track, group
    with open(args.clips / "labels.csv", newline="") as f:
        for row in csv.DictReader(f):
            group = "checking" if row["file"] in CHECKING else "tuning"
            if truths(row["exercise_label"]) == {NONE}:
                group = "negative (labelled clips)"  # a squat, a bird-dog among the labelled clips
            rows.append((row["file"], row["exercise_label"], args.clips / row["file"], group))
    negatives = args.clips / "negatives" / "negatives.csv"
    if negatives.exists():
        with open(negatives, newline="") as f:
            for row in csv.DictReader(f):
                rows.append((row["file"], NONE, args.clips / "negatives" / row["file"], f"negative ({row['kind']})"))
    exercises = candidates()
    confusion: Counter[tuple[str, str]] = Counter()
    tally: dict[str, list[int]] = {}
    reps_same = reps_runs = 0
    rules_s = frames = 0
    skipped: list[str] = []
    for file, label, video, group in rows:
        try:
            track_path = find_track(
                video, neg_caches if "negatives" in video.parts else args.cache, make=not args.cached_only
            )
            if track_path is None:
                skipped.append(file)
                continue
            track = Track.load(track_path)
        except FormcheckError as exc:
            print(f"{file[:48]:48s} cannot be read: {exc}")
            continue
        start = time.perf_counter()
        evidence = collect_evidence(track.frames(), exercises)
        verdict = recognise(evidence)
        rules_s += time.perf_counter() - start
        frames += len(track.t)
        got = verdict.exercise.id if verdict.exercise else NONE
        accepted = truths(label)
        truth = sorted(accepted)[0] if len(accepted) == 1 else "cat/cow"
        ok = got in accepted
        confusion[(truth, got if not (ok and truth == "cat/cow") else "cat/cow")] += 1
        counts = tally.setdefault(group, [0, 0])
        counts[0] += ok
        counts[1] += 1
        closest, score = verdict.closest
        print(
            f"{'ok' if ok else 'XX'} {file[:46]:46s} {truth:20s} -> {got:22s} conf {verdict.confidence:.2f}"
            f"  (best {closest.id} {score:.2f})"
        )
        if args.why and not ok:
            why(evidence, sorted((accepted - {NONE}) | {closest.id}))
        if ok and verdict.exercise is not None:  # auto mode counts from the same track as -e would
            auto = analyze(
                track_path,
                verdict.exercise,
                create_estimator,
                AnalysisOptions(found=FoundPoses.of_track(track_path, track)),
            )
            asked = analyze(track_path, load_exercise(verdict.exercise.id), create_estimator)
            reps_runs += 1
            reps_same += auto.counts == asked.counts
    labels = sorted({t for t, _ in confusion} | {g for _, g in confusion})
    print("\nconfusion (rows: truth, columns: recognised)")
    width = max(len(x) for x in labels) + 1
    print(" " * width + " ".join(f"{x[:8]:>8s}" for x in labels))
    for t in labels:
        if any(tt == t for tt, _ in confusion):
            print(f"{t:{width}s}" + " ".join(f"{confusion[(t, g)] or '.':>8}" for g in labels))
    print()
    for group, (ok, n) in sorted(tally.items()):
        what = "called none" if group.startswith("negative") else "named right"
        print(f"{group:24s} {what}: {ok}/{n} ({100.0 * ok / n:.0f} %)")
    print(f"reps in auto mode equal to -e: {reps_same}/{reps_runs}")
    if skipped:
        print(f"not cached yet, left out: {len(skipped)} clips ({', '.join(skipped)})")
    pose_ms = pose_ms_per_frame(ROOT / "samples" / "bridge.mp4")
    rules_ms = 1000.0 * rules_s / max(frames, 1)
    print(
        f"recognition {rules_ms:.1f} ms/frame (every exercise's rules), pose model {pose_ms:.1f} ms/frame: "
        f"adds {100.0 * rules_ms / pose_ms:.0f} % to the pose model's time"
    )
    print("\nroutine recordings (rendered samples' true landmarks, stitched)")
    for names in (tuple(step.exercise.id for step in load_routine().steps), *ROUTINES):
        routine_segments(names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
