"""Per-frame measures as CSV, for people who analyse sessions in a spreadsheet.

One row per frame: the time, whether a person was found, the phase, the working side,
then one column per measure of the exercise (in the order the exercise file lists
them). A measure that was not confidently visible is an empty cell, not a guess.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from formcheck.core.files import atomic_path
from formcheck.engine.session import Session

FIXED_COLUMNS = ("time_s", "has_pose", "phase", "side")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP)


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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralised(cell: object) -> object:
    """A text cell that a spreadsheet would take for a formula (``=HYPERLINK(...)``,
    ``@SUM(...)``) gets a leading apostrophe, as OWASP advises; numbers (``-1.25``) stay."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def write_csv_rows(rows: Iterable[Sequence[object]], out: TextIO, line_end: str = "\r\n") -> None:
    """CSV rows to a text stream, every text cell neutralised. A file gets the CSV
    standard's CRLF; a terminal or pipe gets ``line_end="\n"`` (the CR would be shown
    escaped, as every control character formcheck prints is)."""
    csv.writer(out, lineterminator=line_end).writerows([neutralised(cell) for cell in row] for row in rows)


def save_rows(rows: Iterable[Sequence[object]], path: Path) -> None:
    """Write CSV rows (to the temporary file a command's ``OutputPlan`` staged)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        write_csv_rows(rows, f)


def write_rows(rows: Iterable[Sequence[object]], target: Path) -> None:
    """Write CSV rows atomically, outside a command's plan (a batch's index)."""
    with atomic_path(target) as tmp:
        save_rows(rows, tmp)


def write_csv(session: Session, target: Path) -> None:
    save_rows(csv_rows(session), target)
