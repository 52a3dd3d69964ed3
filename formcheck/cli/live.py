"""The ``live`` and ``routine`` commands: argument parsing and the session around the
coaching loop (open the camera, model, window and voice; save what was counted on every
way out; then report a camera that failed).

The camera, model, window and voice modules are imported by the functions that run a
session, not here: building the parser for any command (``formcheck list``) must not
load OpenCV or NumPy."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from formcheck.cli.history import add_history_options, history_path
from formcheck.core.ending import EndReason
from formcheck.core.errors import CameraError, UsageError
from formcheck.core.files import OutputPlan, with_companions
from formcheck.core.reasons import Declared, Note, Reason
from formcheck.exercises.loader import exercise_file, load_exercise
from formcheck.exercises.routine import (
    DEFAULT_ROUTINE,
    Routine,
    RoutineStep,
    choose_steps,
    load_routine,
    routine_file,
)
from formcheck.feedback.wording import say, step_intro
from formcheck.history.store import record_live_session
from formcheck.reports.model import RoutineReport
from formcheck.reports.report import CAUTION, build_report, summary_lines, write_json
from formcheck.reports.routine import StepResult, routine_report, routine_summary
from formcheck.reports.writers import VIDEO, OutputRequest

if TYPE_CHECKING:
    from formcheck.feedback.display import Display
    from formcheck.live.coach import LiveCoach
    from formcheck.recognition.online import OnlineRecogniser

AUTO = "auto"  # live -e auto: recognise the exercise (the default)
WINDOW_TITLE = "formcheck"


def add_live_parsers(sub: Any, add_pose_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``live`` and ``routine`` to the CLI's subcommands."""
    live = sub.add_parser(
        "live",
        help="coach an exercise live from a camera",
        description="Count reps and holds live from a camera (or a file played at its real pace), with an overlay and voice cues.",
    )
    live.add_argument(
        "--exercise",
        "-e",
        default=AUTO,
        help="exercise id (see 'formcheck list') or path to an exercise .toml; "
        "auto (the default): recognise whichever exercise the person starts, and follow when they start another",
    )
    routine = sub.add_parser(
        "routine",
        help="a guided routine of exercises, live",
        description="Walk through a routine live: instructions before each exercise, moving on when its targets are met.",
    )
    routine.add_argument(
        "routine",
        nargs="?",
        default=DEFAULT_ROUTINE,
        help="routine name (routines/NAME.toml) or path to a routine .toml (default: %(default)s)",
    )
    routine.add_argument(
        "--move-on-early",
        action="store_true",
        help="move to the next exercise as soon as recognition sees the person start it, "
        "before this one's target is met (the rest of this one is reported as not done)",
    )
    choose = routine.add_mutually_exclusive_group()
    choose.add_argument("--start", metavar="ID", help="begin at this exercise of the routine (id, any case)")
    choose.add_argument(
        "--only", metavar="ID,...", help="run only these exercises of the routine, in its order (ids, any case)"
    )
    for p in (live, routine):
        p.add_argument(
            "--source",
            default="0",
            help="camera index (0, 1, ...) or a video file played at its real pace (default: camera 0)",
        )
        p.add_argument("--report", type=Path, help="write the JSON report here when the session ends")
        p.add_argument("--out", type=Path, help="write the annotated video here when the session ends")
        p.add_argument(
            "--no-window", action="store_true", help="run headless: print events as they happen (Ctrl-C ends)"
        )
        p.add_argument("--mute", action="store_true", help="no voice cues (the m key toggles them in the window)")
        p.add_argument(
            "--countdown",
            type=float,
            default=3.0,
            metavar="S",
            help="seconds the setup must be right before counting starts (default: %(default)s)",
        )
        p.add_argument(
            "--no-stats", action="store_true", help="hide the processing rate and delay (the i key toggles them)"
        )
        p.add_argument(
            "--camera-size",
            type=frame_size,
            metavar="WxH",
            help="ask the camera for this resolution, e.g. 640x480 (smaller is faster to process)",
        )
        p.add_argument("--fps", type=float, metavar="N", help="ask the camera for this frame rate")
        p.add_argument(
            "--stride",
            action="store_true",
            help="let the pose model skip up to 3 of 4 frames while you and the picture are still "
            "(less work on holds, no added delay; by default it sees every frame, as it always does "
            "while recognising which exercise you start)",
        )
        p.add_argument(
            "--mirror-window",
            action="store_true",
            help="show the picture as a mirror does (a selfie view); counting and sides are unchanged. "
            "Not --mirrored, which says the video itself is mirrored",
        )
        add_history_options(p)
        add_pose_options(p)


def frame_size(text: str) -> tuple[int, int]:
    """``640x480`` as (640, 480), for ``--camera-size``."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isascii() and width.isdigit() and height.isascii() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 640x480")
    if not (16 <= int(width) <= 8192 and 16 <= int(height) <= 8192):
        raise argparse.ArgumentTypeError(f"{text!r}: width and height go from 16 to 8192")
    return int(width), int(height)


def add_cameras_parser(sub: Any) -> None:
    sub.add_parser("cameras", help="list the cameras formcheck can open (for live --source N)")


def run_cameras(out: TextIO, probe: Callable[[], list[tuple[int, Any]]] | None = None) -> None:
    """``formcheck cameras``: each camera index that opens (``probe``, by default
    ``sources.camera.list_cameras``), and what it sends by default."""
    if probe is None:
        from formcheck.sources.camera import list_cameras as probe
    found = probe()
    for index, info in found:
        print(
            f"{index}  {info.size[0]}x{info.size[1]} at {info.fps:g} fps   formcheck live --source {index} -e ID",
            file=out,
        )
    if not found:
        print("no camera found (indices 0-9): is one connected and not in use by another program?", file=out)


def _open_display(no_window: bool, size: tuple[int, int]) -> Display:
    from formcheck.feedback.display import NullDisplay, WindowDisplay
    from formcheck.feedback.screen import fit_to_screen, screen_size

    if no_window:
        return NullDisplay()
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise UsageError("no display to open a window on (DISPLAY is not set): use --no-window")
    return WindowDisplay(WINDOW_TITLE, fit_to_screen(size, screen_size()))


def _camera_advice(step: RoutineStep, out: TextIO) -> None:
    from formcheck.engine.setup_check import is_floor_exercise

    ex = step.exercise
    print(f"\n{ex.name}", file=out)
    for line in step_intro(step):
        print(f"  {line}", file=out)
    print(f"  {say(Note(Reason.CAMERA_ADVICE, Declared(ex.setup.camera)))}", file=out)
    if is_floor_exercise(ex):
        print(f"  {say(Note(Reason.FLOOR_ADVICE))}", file=out)


def _follow(coach: LiveCoach, follow: OnlineRecogniser, out: TextIO) -> tuple[list[StepResult], CameraError | None]:
    """``live`` without -e: wait for a recognised exercise, coach it, switch when another is started."""
    exercise, ended, error = coach.search(follow)
    results: list[StepResult] = []
    while exercise is not None:
        note = Note(Reason.NOW, Declared(exercise.name))
        coach.announce(note)
        step = RoutineStep(exercise, exercise.rep.target or 1)
        outcome = coach.run(exercise, None, step_intro(step) + [CAUTION], follow=follow, note=note)
        results.append(StepResult(step, outcome.session, outcome.ended_by, outcome.target_met))
        error = outcome.error
        exercise = follow.proposal if outcome.ended_by is EndReason.SWITCH else None
    if not results and ended is not None and ended is not EndReason.CAMERA:
        print(f"No exercise recognised before {ended.words}.", file=out)
    return results, error


def _coach(
    args: argparse.Namespace,
    steps: list[RoutineStep],
    routine: bool,
    out: TextIO,
    video: Path | None,
    plan: OutputPlan,
) -> tuple[list[StepResult], CameraError | None]:
    """Run the steps on one camera; returns what was counted and any camera failure.
    The annotated ``video`` is staged in ``plan``, committed by the caller."""
    from formcheck.core.interrupts import stop_requests
    from formcheck.engine.stride import StrideParams
    from formcheck.feedback.voice import create_speaker
    from formcheck.live.coach import LiveCoach, LiveOptions
    from formcheck.live.paced_writer import PacedWriter
    from formcheck.offline.recognised import candidates
    from formcheck.pose import create_estimator
    from formcheck.recognition.online import OnlineRecogniser
    from formcheck.sources.camera import (
        CameraSettings,
        LatestFrameGrabber,
        MirroredReader,
        is_camera_index,
        open_reader,
    )

    if not is_camera_index(args.source) and (args.camera_size or args.fps):
        raise UsageError("--camera-size and --fps are for a camera; a file plays at its own size and pace")
    reader = open_reader(args.source, settings=CameraSettings(args.camera_size, args.fps))
    if args.mirror_window:
        reader = MirroredReader(reader)
    estimator = create_estimator(args.backend, args.model)
    speaker = create_speaker(args.mute, warn=lambda m: print(f"formcheck: warning: {m}", file=sys.stderr))
    display: Display | None = None
    results: list[StepResult] = []
    error: CameraError | None = None
    with PacedWriter(plan.stage(video), reader.info, video) if video else nullcontext() as writer:
        try:
            display = _open_display(args.no_window, reader.info.size)
            options = LiveOptions(
                countdown_s=args.countdown,
                stop_at_target=routine,
                show_stats=not args.no_stats,
                mirrored=args.mirrored != args.mirror_window,  # a flipped picture swaps sides back
                stride=StrideParams() if args.stride else None,
            )
            following = not steps or (routine and args.move_on_early)
            with (
                stop_requests() as stop,
                LatestFrameGrabber(reader) as grabber,
                OnlineRecogniser(candidates(), options.mirrored) if following else nullcontext() as follow,
            ):
                coach = LiveCoach(grabber, estimator, display, speaker, out, options, writer, stop)
                if not steps:
                    results, error = _follow(coach, follow, out)
                for i, step in enumerate(steps):
                    _camera_advice(step, out)
                    after = steps[i + 1].exercise.id if i + 1 < len(steps) else None
                    started = bool(results) and results[-1].ended_by is EndReason.SWITCH  # already at it
                    note = Note(Reason.NOW, Declared(step.exercise.name)) if started else None
                    if note is not None:
                        coach.announce(note)
                    else:
                        speaker.say(say(Note(Reason.EXERCISE_NAME, Declared(step.exercise.name))), max_age_s=5.0)
                    outcome = coach.run(
                        step.exercise,
                        step.reps if routine else None,
                        step_intro(step) + [CAUTION],
                        follow=follow,
                        accept=lambda ex, after=after: ex.id == after,
                        note=note,
                    )
                    results.append(StepResult(step, outcome.session, outcome.ended_by, outcome.target_met))
                    error = outcome.error
                    if not outcome.ended_by.moves_on:
                        break
                else:
                    if routine and results:
                        speaker.say(say(Note(Reason.ROUTINE_FINISHED)), max_age_s=5.0)
        finally:
            if display is not None:
                display.close()
            speaker.close(wait_s=2.0)
            estimator.close()
    return results, error


def _record(args: argparse.Namespace, results: list[StepResult], routine: Routine | None, out: TextIO) -> None:
    """Every exercise that began counting goes into the history, as ``analyze`` does."""
    from formcheck.sources.camera import is_camera_index

    path = history_path(args)
    if path is None:
        return
    kind = "camera" if is_camera_index(args.source) else "file"
    ids = [record_live_session(r.session, path, kind, routine.name if routine else None) for r in results]
    if any(i is not None for i in ids):
        print(f"  recorded in history: {path}", file=out)


def _followed(results: list[StepResult]) -> RoutineReport:
    """The report of several exercises followed by ``live`` without -e: a routine's, of what was done."""
    done = Routine("Live (recognised)", "formcheck live", "", "", [r.step for r in results])
    return routine_report(done, results)


def run_live_command(args: argparse.Namespace, out: TextIO) -> None:
    """``formcheck live`` and ``formcheck routine``."""
    from formcheck.sources.camera import is_camera_index

    print(f"Caution: {CAUTION}", file=out)
    routine: Routine | None = None
    if args.command == "live" and args.exercise.lower() == AUTO:
        steps: list[RoutineStep] = []  # recognised as the person starts
        inputs = []
        print("Start any exercise: formcheck recognises it and coaches it.", file=out)
    elif args.command == "live":
        exercise = load_exercise(args.exercise)
        steps = [RoutineStep(exercise, exercise.rep.target or 1)]
        inputs = [exercise_file(args.exercise)]
    else:
        routine = load_routine(args.routine)
        steps = choose_steps(routine, args.start, args.only)
        inputs = [routine_file(args.routine), *(exercise_file(s.exercise.id) for s in steps)]
        print(f"{routine.name}: {', '.join(s.exercise.name for s in steps)}", file=out)
        if len(steps) < len(routine.steps):
            left_out = [s.exercise.name for s in routine.steps if s not in steps]
            print(f"  left out this time (--start/--only): {', '.join(left_out)}", file=out)
            routine = replace(routine, steps=steps)  # the summary and report are of what was chosen
        if routine.skipped:
            print(f"  skipped, not available in this version yet: {', '.join(routine.skipped)}", file=out)
        if routine.note:
            print(f"  {routine.note}", file=out)
    if args.no_window:  # no window, so no keys
        print("No window: Ctrl-C ends the session (what was counted is kept).", file=out)
    else:
        print("Keys: space pause/resume, r reset, n next exercise, m mute, i rate/delay, q or Esc quit.", file=out)
    source = None if is_camera_index(args.source) else Path(args.source)
    request = OutputRequest.of(report=args.report)
    outputs = [*request.targets(), *([(VIDEO.label, args.out)] if args.out else [])]
    reads = [source, args.model, *inputs, *with_companions(history_path(args))]
    with request.plan(reads, args.out).run() as plan:
        results, error = _coach(args, steps, routine is not None, out, args.out, plan)
        print("", file=out)
        if routine is None:
            reports = [build_report(r.session) for r in results]
            for one in reports:
                print("\n".join(summary_lines(one)), file=out)
            report = reports[0] if len(reports) == 1 else _followed(results) if reports else None
        else:
            report = routine_report(routine, results)
            print("\n".join(routine_summary(routine, results)), file=out)
        if args.report is not None and report is not None:
            plan.write(args.report, lambda path: write_json(report, path))
    for label, path in outputs:
        if path is not None:
            print(f"  {label}: {path}", file=out)
    _record(args, results, routine, out)
    if error is not None:
        saved = "; what was counted is saved" if outputs else ""
        raise CameraError(f"{error}{saved}")
