"""The batch index: one row per video, as ``index.csv`` (the record a rerun resumes
from) and ``index.html`` (the same table, with links to each video's reports).

Both are rewritten atomically after every video, so a batch stopped at any point
leaves an index of exactly the videos that were finished.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from enum import Enum
from html import escape
from pathlib import Path
from typing import Any

from formcheck.core.errors import ExitStatus, OutputError
from formcheck.core.files import atomic_path
from formcheck.history.store import SessionRecord
from formcheck.reports.csv_rows import write_rows
from formcheck.reports.html import page, table
from formcheck.reports.model import Report

INDEX_CSV = "index.csv"
INDEX_HTML = "index.html"
#: Failures that are a property of the video itself: a rerun with the same key would
#: fail the same way, so it skips them. Others (a worker that died, a full disk, a bug)
#: are tried again.
LASTING_FAILURES = frozenset({ExitStatus.INPUT, ExitStatus.NO_POSE})


class Status(str, Enum):
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class Row:
    """One video's line of the index. Counts are empty for a video that failed."""

    file: str  # the video as given or found
    name: str  # output stem below the output folder
    exercise: str
    status: Status
    reps: int | None = None
    reps_left: int | None = None  # one-sided exercises only
    reps_right: int | None = None
    holds: int | None = None
    holds_completed: int | None = None
    hold_s: float | None = None  # total time held
    faults: int | None = None
    fault_checks: str = ""  # "check:times;..." for the checks that fired
    duration_s: float | None = None
    error: str = ""  # the one-line error of a failed video
    exit_status: int = 0  # what `formcheck analyze` alone would have exited with
    key: str = ""  # what the work depended on (see ``plan``); a rerun skips a matching row

    @classmethod
    def from_report(cls, file: str, name: str, report: Report, key: str) -> Row:
        # The history's own summary of a report (reps per side, holds, faults per check),
        # so the index and the history count alike; the time is not used.
        counts = SessionRecord.from_report(report, datetime.now(timezone.utc), "file")
        return cls(
            file=file,
            name=name,
            exercise=report.exercise or "",
            status=Status.OK,
            reps=counts.reps,
            reps_left=counts.reps_left,
            reps_right=counts.reps_right,
            holds=counts.holds,
            holds_completed=counts.holds_completed,
            hold_s=counts.hold_s,
            faults=counts.faults,
            fault_checks=";".join(f"{check}:{n}" for check, n in sorted(counts.fault_counts.items())),
            duration_s=counts.duration_s,
            key=key,
        )

    @classmethod
    def failure(cls, file: str, name: str, exercise: str, error: str, status: ExitStatus, key: str) -> Row:
        return cls(
            file, name, exercise, Status.FAILED, error=" ".join(error.splitlines()), exit_status=int(status), key=key
        )

    @property
    def lasting(self) -> bool:
        """Whether this row stands for a rerun with the same key."""
        return self.status is Status.OK or self.exit_status in LASTING_FAILURES

    def cells(self) -> list[str]:
        return ["" if v is None else (v.value if isinstance(v, Status) else str(v)) for v in asdict(self).values()]


COLUMNS = [f.name for f in fields(Row)]
_INTS = {"reps", "reps_left", "reps_right", "holds", "holds_completed", "faults"}
_FLOATS = {"hold_s", "duration_s"}


def _value(name: str, text: str) -> Any:
    if name == "exit_status":
        return int(text)
    if name in _INTS:
        return int(text) if text else None
    if name in _FLOATS:
        return float(text) if text else None
    return Status(text) if name == "status" else text


def _parse(row: dict[str, str]) -> Row:
    return Row(**{name: _value(name, row[name]) for name in COLUMNS})


def read_index(folder: Path) -> dict[str, Row]:
    """The rows of an earlier run, by name; none when there is no index yet. Anything
    else at that path is refused rather than replaced."""
    path = folder / INDEX_CSV
    if not path.exists():
        return {}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != COLUMNS:
                raise ValueError(f"its columns are {reader.fieldnames}")
            rows = [_parse(r) for r in reader]
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise OutputError(
            f"{path} is not a formcheck batch index ({exc}); move it away or choose another --out-dir"
        ) from None
    return {r.name: r for r in rows}


def _link(folder: Path, row: Row) -> str:
    """The video's name, linked to its HTML report if it has one, else its JSON report."""
    for suffix in (".html", ".json"):
        if row.status is Status.OK and (folder / f"{row.name}{suffix}").is_file():
            return f'<a href="{escape(row.name + suffix)}">{escape(row.file)}</a>'
    return escape(row.file)


def _html_row(folder: Path, row: Row) -> list[str]:
    status = f'<span class="{"ok" if row.status is Status.OK else "short"}">{escape(row.status.value)}</span>'
    sides = f" (L {row.reps_left}, R {row.reps_right})" if row.reps_left is not None else ""
    reps = "" if row.reps is None else f"{row.reps}{sides}"
    holds = "" if row.holds is None else f"{row.holds} ({row.hold_s:.1f} s)"
    numbers = [
        reps,
        holds,
        "" if row.faults is None else str(row.faults),
        "" if row.duration_s is None else f"{row.duration_s:.1f}",
    ]
    return [
        _link(folder, row),
        escape(row.exercise),
        *map(escape, numbers),
        status,
        escape(row.fault_checks or row.error),
    ]


def write_index(folder: Path, rows: dict[str, Row]) -> None:
    """``index.csv`` then ``index.html``, each atomically, in name order."""
    ordered = [rows[name] for name in sorted(rows)]
    write_rows([COLUMNS, *(r.cells() for r in ordered)], folder / INDEX_CSV)
    failed = sum(r.status is Status.FAILED for r in ordered)
    body = (
        "<h1>formcheck batch</h1>"
        f'<p class="meta">{len(ordered)} videos, {failed} failed. Each name links to its report.</p>'
        + table(
            ["video", "exercise", "reps", "holds", "faults", "duration s", "status", "faults seen / error"],
            [_html_row(folder, r) for r in ordered],
            {2, 3, 4, 5},
        )
    )
    with atomic_path(folder / INDEX_HTML) as tmp:
        tmp.write_text(page("formcheck batch index", body), encoding="utf-8")
