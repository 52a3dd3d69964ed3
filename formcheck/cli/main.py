"""Command-line interface. ``main`` is the one place that maps errors to exit codes.

What only an analysis needs (OpenCV, NumPy, the pose model, the pipeline) is imported
by the code that analyses, so that ``--version``, ``list``, ``show``, ``report`` and
``history`` start in a fraction of a second."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from formcheck import __version__
from formcheck.cli.batch import (
    add_batch_options,
    add_track_parser,
    check_single,
    run_batch_command,
    run_track,
    wants_batch,
)
from formcheck.cli.history import add_history_command, add_history_options, history_path, run_history
from formcheck.cli.live import add_cameras_parser, add_live_parsers, run_cameras, run_live_command
from formcheck.cli.serve import add_serve_parser, run_serve
from formcheck.core.errors import ExitStatus, FormcheckError, InputError, Terminated
from formcheck.core.files import with_companions
from formcheck.core.state import Sides
from formcheck.core.text import PrintableOut, printable
from formcheck.exercises.loader import AUTO, exercise_file, load_all, load_exercise
from formcheck.exercises.schema import Bounds, Exercise
from formcheck.exercises.units import amount
from formcheck.feedback.wording import describe, per_day_words
from formcheck.history.store import record_session
from formcheck.pose import BACKENDS, DEFAULT_BACKEND, create_estimator
from formcheck.reports.reader import load_report
from formcheck.reports.report import CAUTION, summary_lines
from formcheck.reports.writers import (
    CSV,
    PER_VIDEO,
    VIDEO,
    OutputRequest,
    add_report_options,
    write_outputs,
    write_report_only,
    write_segment_outputs,
)

if TYPE_CHECKING:
    from formcheck.engine.evaluator import FrameState

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DEMO_SAMPLE = SAMPLES / "bridge.mp4"
DEMO_EXERCISE = "bridge"


def _add_pose_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--backend",
        choices=sorted(BACKENDS),
        default=DEFAULT_BACKEND,
        help="pose backend (default: %(default)s, works offline)",
    )
    p.add_argument(
        "--model",
        type=Path,
        help="a pose_landmarker .task model file, for --backend tasks (default: the bundled full model)",
    )
    p.add_argument(
        "--mirrored",
        action="store_true",
        help="the video is mirrored (a selfie view): swap left and right so sides are the person's own",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formcheck", description="Exercise-form feedback for back-pain relief exercises, from video."
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    _add_verbosity(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser(
        "analyze",
        help="analyse a recorded video",
        description="Count reps and holds in a recorded video and check form.",
    )
    a.add_argument(
        "video",
        type=Path,
        nargs="+",
        help="video file (or a recorded landmark track .npz); several, or folders, with --out-dir",
    )
    a.add_argument(
        "--exercise",
        "-e",
        default=AUTO,
        help="exercise id (see 'formcheck list') or path to an exercise .toml; 'auto' (the default for one "
        "video): recognise it",
    )
    a.add_argument("--report", type=Path, help="write the JSON report here")
    a.add_argument(
        "--out",
        type=Path,
        nargs="?",
        const=PER_VIDEO,
        metavar="FILE",
        help="write the annotated video here (no video is written without it; with --out-dir: no FILE, one per video)",
    )
    a.add_argument("--events", action="store_true", help="print events as they happen")
    a.add_argument(
        "--stride",
        action="store_true",
        help="let the pose model skip up to 3 of 4 frames while nothing moves (faster on holds; by default it sees every frame)",
    )
    add_report_options(a, per_video=True)
    add_history_options(a)
    _add_pose_options(a)
    add_batch_options(a)

    sub.add_parser("list", help="list the exercises")

    s = sub.add_parser("show", help="show an exercise: instructions, targets and checks")
    s.add_argument("exercise", help="exercise id or path to an exercise .toml")

    d = sub.add_parser("demo", help="analyse the bundled sample video and write an annotated copy")
    d.add_argument(
        "--out", type=Path, default=Path("formcheck-demo.mp4"), help="annotated video (default: %(default)s)"
    )
    d.add_argument("--report", type=Path, help="also write the JSON report here")

    r = sub.add_parser(
        "report",
        help="print the summary of a JSON report (e.g. one sent by a patient)",
        description="Check a formcheck.report/1 JSON file and print its summary.",
    )
    r.add_argument("report", type=Path, help="a JSON report written by 'formcheck analyze --report'")

    add_live_parsers(sub, _add_pose_options)
    add_cameras_parser(sub)
    add_history_command(sub)
    add_track_parser(sub, _add_pose_options)
    add_serve_parser(sub, _add_pose_options)
    for command in sub.choices.values():  # accepted after the command too
        _add_verbosity(command, default=argparse.SUPPRESS)
    return parser


def _add_verbosity(p: argparse.ArgumentParser, default: object) -> None:
    """``--debug`` and ``-v``, read before parsing by ``cli.console``; a subcommand's copy
    has no default of its own so that it cannot undo the flag given before the command."""
    p.add_argument("--debug", action="store_true", default=default, help="show tracebacks instead of one-line errors")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="show the model libraries' own log lines (hidden by default; --debug shows them too)",
    )


def _print_events(out: TextIO) -> Callable[[FrameState], None]:
    def show(state: FrameState) -> None:
        for event in state.events:
            print(describe(event), file=out, flush=True)

    return show


def _analyze(
    video: Path,
    exercise_name: str,
    backend: str,
    model: Path | None,
    outputs: OutputRequest,
    out_video: Path | None,
    events: bool,
    out: TextIO,
    history: Path | None = None,
    mirrored: bool = False,
    stride: bool = False,
) -> None:
    """Analyse (recognising the exercise unless one is named), then commit every output
    together, only if the analysis succeeded."""
    from formcheck.core.interrupts import stop_requests
    from formcheck.engine.stride import StrideParams
    from formcheck.offline.analyze import TRACK_SUFFIX, AnalysisOptions
    from formcheck.offline.recognised import analyze_recognised

    exercise = None if exercise_name == AUTO else load_exercise(exercise_name)
    if not video.exists():
        raise InputError(f"video not found: {video}")
    inputs = [video, exercise_file(exercise_name) if exercise else None, model, *with_companions(history)]
    with outputs.plan(inputs, out_video).run() as plan:
        print(f"Caution: {CAUTION}", file=out)
        started = datetime.now(timezone.utc)
        keyframes = outputs.keyframe_collector(exercise) if exercise else None
        with stop_requests() as stop:
            outcome = analyze_recognised(
                video,
                exercise,
                lambda: create_estimator(backend, model),
                AnalysisOptions(
                    out_video=plan.stage(out_video) if out_video else None,
                    out_video_name=out_video,
                    progress=True,
                    keyframes=keyframes,
                    mirrored=mirrored,
                    stride=StrideParams() if stride else None,
                    stop=stop,
                ),
                on_state=_print_events(out) if events else None,
            )
            stop.raise_if_set()  # a signal after the last frame: nothing is committed either
        session, report = outcome.session, outcome.report
        out_video_asked = out_video is not None
        if outcome.parts:  # several exercises: the JSON and HTML reports, no video or CSV
            plan.discard()
            written = write_segment_outputs(report, outcome.parts, outputs, plan)
            out_video = None
        elif session is None:  # nothing recognised: the JSON report only, no video or exercise outputs
            plan.discard()
            written = write_report_only(report, outputs, plan)
            out_video = None
        else:
            written = write_outputs(session, report, outputs, keyframes, plan)
    print("\n".join(summary_lines(report)), file=out)
    for label, path in written + [(VIDEO.label, out_video)]:
        if path is not None:
            print(f"  {label}: {path}", file=out)
    if outcome.parts and (outputs.path(CSV) or out_video_asked):
        print("  no CSV or annotated video of several exercises: analyse each part with -e for those", file=out)
    kind = "track" if video.suffix.lower() == TRACK_SUFFIX else "file"
    if history is not None and session is not None:
        record_session(session, report, history, kind, started)
        print(f"  recorded in history: {history}", file=out)
    if history is not None and outcome.parts:  # one session per segment, at its own time
        for part, segment in zip(outcome.parts, report.segments or [], strict=True):
            record_session(part, segment.report, history, kind, started + timedelta(seconds=segment.start_s))
        print(f"  recorded in history: {history} ({len(outcome.parts)} sessions)", file=out)


def _limits(low: float | None, high: float | None, unit: Callable[[float], str]) -> str:
    """Bounds with their unit: ``>= 160 degrees and <= 175 degrees``."""
    return " and ".join(
        text
        for text in (f">= {unit(low)}" if low is not None else "", f"<= {unit(high)}" if high is not None else "")
        if text
    )


def _all_limits(named: dict[str, Bounds], exercise: Exercise) -> str:
    """Several measures' bounds in words, all of which must hold."""
    return " and ".join(f"{name} {_limits(b.min, b.max, _unit(exercise, name))}" for name, b in named.items())


def _unit(exercise: Exercise, measure: str, speed: bool = False) -> Callable[[float], str]:
    spec = exercise.measures[measure]
    return lambda value: amount(value, spec, speed)


def _offsets(low: float | None, high: float | None, unit: Callable[[float], str]) -> str:
    """Relative bounds in words: how far above or below a reference value is allowed."""
    parts = []
    if low is not None:
        parts.append(f"no more than {unit(-low)} below" if low <= 0 else f"at least {unit(low)} above")
    if high is not None:
        parts.append(f"no more than {unit(high)} above" if high >= 0 else f"at least {unit(-high)} below")
    return " and ".join(parts)


def _show(exercise: Exercise, out: TextIO) -> None:
    wrap = lambda text, indent="  ": textwrap.fill(text, 88, initial_indent=indent, subsequent_indent=indent)  # noqa: E731
    print(f"{exercise.name} ({exercise.id})", file=out)
    print(wrap(exercise.summary), file=out)
    print(f"  source: {exercise.source}", file=out)
    print("\nHow to do it:", file=out)
    for i, step in enumerate(exercise.instructions, 1):
        print(wrap(f"{i}. {step}"), file=out)
    print("\nCamera:", file=out)
    print(wrap(exercise.setup.camera), file=out)
    print(
        f"  start position: {', '.join(p.value for p in exercise.setup.posture)}; view: {exercise.setup.view}", file=out
    )
    print("\nWhat counts:", file=out)
    rep = exercise.rep
    if rep is not None:
        m = exercise.measures[rep.measure]
        unit = _unit(exercise, rep.measure)
        word = "above" if rep.direction == "rise" else "below"
        if rep.relative:
            limits = f"moves {unit(abs(rep.enter))} {word} your own start value and back to within {unit(abs(rep.exit))} of it"
        else:
            limits = f"goes {word} {unit(rep.enter)} and back past {unit(rep.exit)}"
        print(
            wrap(
                f"a rep: {rep.measure} ({m.description or m.kind}) {limits}, staying at least {rep.min_in_s:g} s in position; movement range at least {unit(rep.min_range)}"
            ),
            file=out,
        )
        for name, bounds in rep.require.items():
            print(wrap(f"  only while {name} {_limits(bounds.min, bounds.max, _unit(exercise, name))}"), file=out)
        start = rep.without_start
        if start is not None:
            where = ", on the side whose shoulder is nearer the camera" if start.side == "near" else ""
            stay = f", staying in it while {_all_limits(start.stay, exercise)}" if start.stay else ""
            print(
                wrap(
                    f"  before the start position is seen, also in position when {_all_limits(start.bounds, exercise)}{where}{stay} (holds are timed, no rep is counted)"
                ),
                file=out,
            )
        sides = "each side counted separately" if exercise.sides is Sides.EACH else "both sides together"
        target = (
            f"{rep.target} per side"
            if rep.target and exercise.sides is Sides.EACH
            else (f"{rep.target}" if rep.target else "no fixed number")
        )
        how_often = f"; {exercise.frequency}" if exercise.frequency else ""
        if exercise.per_day is not None:
            how_often += f" ({per_day_words(exercise.per_day)}{' in all' if exercise.per_day.reps else ''})"
        print(f"  target: {target} ({sides}){how_often}", file=out)
    if exercise.hold:
        print(
            f"  hold: {exercise.hold.target_s:g} s (holds shorter than {exercise.hold.min_s:g} s are not counted as holds)",
            file=out,
        )
    if exercise.activity:
        a = exercise.activity
        print(
            wrap(
                f"active time: moving faster than {a.min_motion:g} trunk lengths/s for at least {a.min_s:g} s (pauses up to {a.grace_s:g} s allowed)"
            ),
            file=out,
        )
    for item in exercise.not_measured:
        print(wrap(f"not measured: {item}"), file=out)
    if exercise.checks:
        print("\nChecks:", file=out)
        for c in exercise.checks:
            quantity = f"speed of {c.measure}" if c.of == "speed" else c.measure
            unit = _unit(exercise, c.measure, speed=c.of == "speed")
            limits = (
                f"{_offsets(c.min, c.max, unit)} its value in the start position"
                if c.relative
                else _limits(c.min, c.max, unit)
            )
            print(wrap(f'{c.id}: {quantity} {limits} (when: {c.when}) -> "{c.message}"'), file=out)
    print(f"\n{CAUTION}", file=out)


def run(argv: Sequence[str], out: TextIO) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        for ex in load_all():
            print(f"{ex.id:24s} {ex.summary}", file=out)
    elif args.command == "show":
        _show(load_exercise(args.exercise), out)
    elif args.command == "analyze" and wants_batch(args):
        run_batch_command(args, out)
    elif args.command == "analyze":
        check_single(args)
        outputs = OutputRequest.from_args(args, args.out)
        _analyze(
            args.video[0],
            args.exercise,
            args.backend,
            args.model,
            outputs,
            args.out,
            args.events,
            out,
            history_path(args),
            args.mirrored,
            args.stride,
        )
    elif args.command in ("live", "routine"):
        run_live_command(args, out)
    elif args.command == "demo":
        _analyze(
            DEMO_SAMPLE,
            DEMO_EXERCISE,
            DEFAULT_BACKEND,
            None,
            OutputRequest.of(report=args.report),
            args.out,
            False,
            out,
        )
    elif args.command == "cameras":
        run_cameras(out)
    elif args.command == "history":
        run_history(args, out)
    elif args.command == "track":
        run_track(args, out)
    elif args.command == "serve":
        run_serve(args, out)
    elif args.command == "report":
        print("\n".join(summary_lines(load_report(args.report))), file=out)


def _terminate(_signum: int, _frame: object) -> None:
    raise Terminated


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C (temporary files removed, earlier files kept), in the
    main thread; ``live`` sessions install their own handler to end normally."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _discard_stdout(out: TextIO) -> None:
    """Point standard output at the null device, so that the final flush at exit finds
    no closed pipe to complain about."""
    try:
        fd = out.fileno()
    except (OSError, ValueError, AttributeError):  # a test's StringIO: nothing to flush
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        with _sigterm_as_interrupt():
            run(argv, PrintableOut(out))  # type: ignore[arg-type]
    except FormcheckError as exc:
        if debug:
            raise
        print(f"formcheck: error: {printable(' '.join(str(exc).splitlines()))}", file=err)  # always one line
        return int(exc.status)
    except KeyboardInterrupt as exc:
        if debug:
            raise
        terminated = isinstance(exc, Terminated)
        print(f"formcheck: {'terminated' if terminated else 'interrupted'}", file=err)
        return int(ExitStatus.TERMINATED if terminated else ExitStatus.INTERRUPTED)
    except BrokenPipeError:  # the reader went away (`formcheck history --csv - | head`): stop quietly
        _discard_stdout(out)
        return int(ExitStatus.PIPE_CLOSED)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else int(ExitStatus.USAGE)
    except Exception as exc:  # a bug: say so in one line unless debugging
        if debug:
            raise
        print(
            f"formcheck: internal error: {type(exc).__name__}: {printable(str(exc))} (run with --debug for details)",
            file=err,
        )
        return int(ExitStatus.ERROR)
    return int(ExitStatus.OK)
