"""The ``formcheck history`` command, and the ``--history``/``--no-history`` options
that every command recording sessions (analyze, live, routine) shares."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from formcheck.core.errors import ExerciseError, InputError
from formcheck.core.files import OutputPlan, with_companions
from formcheck.exercises.loader import load_exercise
from formcheck.exercises.schema import MAX_SESSIONS_A_DAY, PerDay
from formcheck.history.adherence import adherence
from formcheck.history.store import ENV_VAR, History, SessionRecord, resolve_path
from formcheck.history.view import adherence_lines, csv_rows, per_day_plot_png, table_lines
from formcheck.reports.csv_rows import save_rows, write_csv_rows

DEFAULT_DAYS = 14
DEFAULT_HISTORY = Path("<default>")  # --history without a path: the default database (not a str: see PER_VIDEO)


def add_history_options(p: argparse.ArgumentParser) -> None:
    """--history PATH and --no-history, for commands that record a session."""
    p.add_argument(
        "--history",
        type=Path,
        nargs="?",
        const=DEFAULT_HISTORY,
        metavar="PATH",
        help=f"session history database (default: ${ENV_VAR}, else the user data folder); a batch records only with --history",
    )
    p.add_argument("--no-history", action="store_true", help="do not record this session in the history")


def history_path(args: argparse.Namespace) -> Path | None:
    """Where to record the session, or None with --no-history."""
    if getattr(args, "no_history", False):
        return None
    given = getattr(args, "history", None)
    return resolve_path(None if given == DEFAULT_HISTORY else given)


def opted_in_history(args: argparse.Namespace) -> Path | None:
    """For a batch, which records nothing unless --history is given (with or without a path)."""
    return history_path(args) if getattr(args, "history", None) is not None else None


def add_history_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    h = sub.add_parser(
        "history",
        help="recent sessions, adherence, CSV export and a per-day plot",
        description="Show the sessions formcheck has recorded.",
    )
    h.add_argument("--exercise", "-e", help="only this exercise (id)")
    h.add_argument("--since", help="only sessions since: YYYY-MM-DD, 'today', or Nd (the last N days)")
    h.add_argument("--limit", type=int, default=20, help="sessions in the table (default: %(default)s)")
    h.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="export the matching sessions (all of them) as CSV; '-' for standard output",
    )
    h.add_argument(
        "--adherence",
        action="store_true",
        help="a calendar strip per exercise: the days that met its sessions or reps a day, and the current streak",
    )
    h.add_argument(
        "--per-day",
        type=int,
        metavar="N",
        help="sessions a day to check against (default: the exercise file's per_day)",
    )
    h.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        help="days shown by --adherence and --plot (default: %(default)s, or since --since)",
    )
    h.add_argument(
        "--plot",
        type=Path,
        metavar="PNG",
        help="draw each exercise's reps or sessions per day against its own prescription, one panel each, to this PNG",
    )
    h.add_argument(
        "--history",
        type=Path,
        metavar="PATH",
        help=f"history database (default: ${ENV_VAR}, else the user data folder)",
    )


def parse_since(text: str, today: date) -> datetime:
    """Local midnight of the first day included."""
    if text == "today":
        day = today
    elif re.fullmatch(r"\d+d", text):
        day = today - timedelta(days=int(text[:-1]) - 1)
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InputError(f"--since: expected YYYY-MM-DD, 'today' or Nd (e.g. 7d), got {text!r}") from None
    return datetime.combine(day, datetime.min.time()).astimezone()


def _prescription(exercise: str, records: list[SessionRecord], per_day: int | None) -> tuple[PerDay | None, str, str]:
    """(how often a day, the seed's phrase, the exercise name): --per-day (sessions a
    day), else the exercise file's ``per_day``. The phrase is the file's, else the one
    recorded with the newest session (an exercise given as a path, or since removed)."""
    phrase, name, prescribed = (
        next((r.frequency for r in records if r.exercise == exercise and r.frequency), ""),
        exercise,
        None,
    )
    try:
        spec = load_exercise(exercise)
        phrase, name, prescribed = spec.frequency or phrase, spec.name, spec.per_day
    except ExerciseError:
        pass
    return (PerDay(sessions=per_day) if per_day is not None else prescribed), phrase, name


def run_history(args: argparse.Namespace, out: TextIO) -> None:
    for flag, value in (("--limit", args.limit), ("--days", args.days), ("--per-day", args.per_day)):
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1")
    if args.per_day is not None and args.per_day > MAX_SESSIONS_A_DAY:
        raise InputError(f"--per-day: at most {MAX_SESSIONS_A_DAY} sessions a day")
    today = date.today()
    since = parse_since(args.since, today) if args.since else None
    path = resolve_path(args.history)
    to_file = args.csv is not None and str(args.csv) != "-"
    outputs = [("CSV", args.csv)] if to_file else []
    outputs += [("plot", args.plot)] if args.plot is not None else []
    with OutputPlan(outputs, list(with_companions(path))).run() as plan:
        _history_run(args, out, path, since, today, plan)


def _history_run(
    args: argparse.Namespace, out: TextIO, path: Path, since: datetime | None, today: date, plan: OutputPlan
) -> None:
    """The history command once its outputs are checked; files are staged in ``plan``."""
    if not path.exists():
        records: list[SessionRecord] = []  # do not create a database just to read it
    else:
        with History(path) as history:
            records = history.sessions(args.exercise, since)
    first = since.date() if since else today - timedelta(days=args.days - 1)
    days = (today - first).days + 1
    if args.csv is not None:
        if str(args.csv) == "-":
            write_csv_rows(csv_rows(records), out, line_end="\n")
            return
        plan.write(args.csv, lambda target: save_rows(csv_rows(records), target))
        print(f"{len(records)} sessions written to {args.csv}", file=out)
    if args.adherence:
        exercises = [args.exercise] if args.exercise else sorted({r.exercise for r in records})
        for exercise in exercises:
            per_day, phrase, name = _prescription(exercise, records, args.per_day)
            if per_day is None:
                print(
                    f"{name} ({exercise}): no daily number in the exercise file{f' ({phrase!r})' if phrase else ''}; give sessions a day with --per-day",
                    file=out,
                )
                continue
            basis = "--per-day" if args.per_day is not None else f"from {phrase!r}"
            print("\n".join(adherence_lines(adherence(records, exercise, per_day, today, days), name, basis)), file=out)
        if not exercises:
            print("no sessions recorded yet", file=out)
    if args.plot is not None:
        prescribed = {
            ex: n
            for ex in {r.exercise for r in records}
            if (n := _prescription(ex, records, args.per_day)[0]) is not None
        }
        png = per_day_plot_png(records, first, today, prescribed)
        plan.write(args.plot, lambda target: target.write_bytes(png))
        print(f"plot: {args.plot}", file=out)
    if not (args.adherence or args.plot or args.csv):
        print("\n".join(table_lines(records[: args.limit])), file=out)
        if len(records) > args.limit:
            print(f"({len(records) - args.limit} older sessions not shown; use --limit or --csv)", file=out)
        print(f"history: {path}", file=out)
