"""Per-frame measures as CSV, for people who analyse sessions in a spreadsheet.

One row per frame: the time, whether a person was found, the phase, the working side,
then one column per measure of the exercise (in the order the exercise file lists
them). A measure that was not confidently visible is an empty cell, not a guess.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path

from formcheck.core.files import atomic_path
from formcheck.engine.session import Session

FIXED_COLUMNS = ("time_s", "has_pose", "phase", "side")


def _cell(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.2f}"


def csv_rows(session: Session) -> Iterable[list[str]]:
    """The header, then one row per frame."""
    measures = list(session.exercise.measures)
    yield [*FIXED_COLUMNS, *measures]
    for row in session.timeline:
        yield [
            f"{row.t:.3f}",
            "1" if row.has_pose else "0",
            row.phase,
            row.side,
            *(_cell(row.measures.get(m)) for m in measures),
        ]


def write_rows(rows: Iterable[list[str]], target: Path) -> None:
    """Write CSV rows atomically (temporary file, then rename)."""
    with atomic_path(target) as tmp:
        with tmp.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)


def write_csv(session: Session, target: Path) -> None:
    write_rows(csv_rows(session), target)
