"""The batch side of ``formcheck analyze`` (several videos or folders, ``--out-dir``)
and the ``formcheck track`` command: arguments in, ``formcheck.batch`` does the work
(imported when a batch or a track runs: the parser alone must not load OpenCV)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from formcheck.batch.engine_kind import EngineKind
from formcheck.cli.history import opted_in_history
from formcheck.core.errors import InputError, UsageError
from formcheck.exercises.loader import AUTO, load_exercise
from formcheck.pose import backend_label, create_estimator
from formcheck.reports.writers import PER_VIDEO, PER_VIDEO_OPTIONS, OutputRequest

if TYPE_CHECKING:
    from formcheck.batch.plan import Outputs

SINGLE_ONLY = ("report", "events")  # options that name one video's output or stream


def add_batch_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("several videos (see 'Batch analysis' in the README)")
    g.add_argument("--out-dir", type=Path, help="analyse every video given (folders recursively) into this folder")
    g.add_argument(
        "--jobs", type=int, metavar="N", help="videos analysed at once (processes; with --engine ray: actors)"
    )
    g.add_argument(
        "--engine",
        choices=[e.value for e in EngineKind],
        default=EngineKind.LOCAL.value,
        help="where: this machine (default) or a Ray cluster",
    )
    g.add_argument("--address", help="the Ray cluster to use (default: $RAY_ADDRESS, else a local Ray instance)")
    g.add_argument("--tracks", type=Path, metavar="DIR", help="keep each video's landmark track here, and reuse it")
    g.add_argument("--force", action="store_true", help="analyse again videos an earlier run into --out-dir did")
    g.add_argument("--quiet", action="store_true", help="no progress bar and no line per video")


def wants_batch(args: argparse.Namespace) -> bool:
    return args.out_dir is not None or len(args.video) > 1


def check_single(args: argparse.Namespace) -> None:
    """One video without --out-dir: the batch options and per-video outputs do not apply."""
    if args.video[0].is_dir():
        raise InputError(f"not a video file: {args.video[0]} (a folder: give --out-dir to analyse the videos in it)")
    for name in PER_VIDEO_OPTIONS:
        if getattr(args, name) == PER_VIDEO:
            raise UsageError(f"--{name} needs a file name (or --out-dir, for one per video)")
    if args.jobs is not None or args.tracks is not None or args.engine != EngineKind.LOCAL.value:
        raise UsageError("--jobs, --tracks and --engine are for several videos: give --out-dir")


def _batch_outputs(args: argparse.Namespace) -> Outputs:
    from formcheck.batch.plan import Outputs

    for name in SINGLE_ONLY:
        if getattr(args, name):
            raise UsageError(f"--{name} is for one video; with --out-dir each video gets its own files")
    for name in PER_VIDEO_OPTIONS:
        value = getattr(args, name)
        if value is not None and value != PER_VIDEO:
            raise UsageError(f"with --out-dir, give --{name} without a file name: each video gets NAME.{name}")
    if args.out_dir is None:
        raise UsageError("several videos need --out-dir (where their reports and the index go)")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.exercise == AUTO:
        raise UsageError("a batch needs --exercise: recognising the exercise is for one video at a time")
    video = args.out is not None
    return Outputs(html=args.html is not None, csv=args.csv is not None, video=video, frames=bool(args.frames or video))


def run_batch_command(args: argparse.Namespace, out: TextIO) -> None:
    from formcheck.batch.driver import BatchRun, run_batch
    from formcheck.batch.plan import BatchSettings

    outputs = _batch_outputs(args)
    settings = BatchSettings(
        exercise=args.exercise,
        exercise_id=load_exercise(args.exercise).id,
        backend=args.backend,
        model=args.model,
        backend_label=backend_label(args.backend, args.model),
        mirrored=args.mirrored,
        outputs=outputs,
        out_dir=args.out_dir,
        tracks=args.tracks,
    )
    run = BatchRun(EngineKind(args.engine), args.jobs, args.address, args.force, args.quiet, opted_in_history(args))
    run_batch(args.video, settings, run, out)


def add_track_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    add_pose_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    t = sub.add_parser(
        "track",
        help="save a video's pose track (.npz), to analyse it again in milliseconds",
        description="Run the pose model over a video and save the landmarks; 'formcheck analyze TRACK.npz' then gives the report the video gives.",
    )
    t.add_argument("video", type=Path, help="video file")
    t.add_argument("-o", "--out", type=Path, required=True, help="the track to write (.npz)")
    add_pose_options(t)


def run_track(args: argparse.Namespace, out: TextIO) -> None:
    from formcheck.batch.plan import file_sha256
    from formcheck.offline.analyze import TRACK_SUFFIX, AnalysisOptions, pose_pass

    if args.out.suffix.lower() != TRACK_SUFFIX:
        raise UsageError(f"a track is an {TRACK_SUFFIX} file: {args.out}")
    if args.mirrored:
        raise UsageError("a track keeps the pose model's own sides: give --mirrored to 'formcheck analyze TRACK.npz'")
    if not args.video.exists():
        raise InputError(f"video not found: {args.video}")
    if args.out.resolve() == args.video.resolve():
        raise InputError(f"the track would overwrite the video: {args.out}")
    OutputRequest().check(args.video, args.out)
    label = backend_label(args.backend, args.model)
    try:
        digest = file_sha256(args.video)
    except OSError as exc:
        raise InputError(f"cannot read video {args.video}: {exc.strerror}") from None
    if args.video.suffix.lower() == TRACK_SUFFIX:
        raise UsageError(f"{args.video} is a track already: give the video it was made from")
    found = pose_pass(args.video, lambda: create_estimator(args.backend, args.model), AnalysisOptions(progress=True))
    track = found.to_track(label, digest)
    track.save(args.out)
    print(f"track: {args.out} ({len(track.t)} frames, {label})", file=out)
