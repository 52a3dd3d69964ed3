"""Showing the history: the sessions table, CSV export, the adherence view and the
per-day plot. Reads ``SessionRecord``s; knows nothing about the database."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from formcheck.exercises.schema import PerDay
from formcheck.feedback.wording import per_day_words
from formcheck.history.adherence import Adherence, Day
from formcheck.history.store import COLUMNS, SessionRecord
from formcheck.reports.plotting import png, pyplot


def _reps(r: SessionRecord) -> str:
    if r.reps_left is not None or r.reps_right is not None:
        return f"L{r.reps_left or 0} R{r.reps_right or 0}"
    return str(r.reps)


def _holds(r: SessionRecord) -> str:
    if not r.holds:
        return "-"
    target = f" reached {r.hold_target_s:g}s" if r.hold_target_s else ""
    return f"{r.holds_completed}/{r.holds}{target}; {r.hold_s:.0f}s total"


def _faults(r: SessionRecord) -> str:
    return ", ".join(f"{check} x{n}" for check, n in sorted(r.fault_counts.items(), key=lambda kv: -kv[1])) or "-"


def table_lines(records: Sequence[SessionRecord]) -> list[str]:
    """A fixed-width table of sessions (local times), as printed by ``formcheck history``."""
    if not records:
        return ["no sessions recorded yet"]
    header = ("when", "exercise", "reps", "holds", "faults", "length", "source")
    rows = [
        (
            r.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            r.exercise + (f" ({r.routine})" if r.routine else ""),
            _reps(r),
            _holds(r),
            _faults(r),
            f"{r.duration_s:.0f}s",
            Path(r.source).name if r.source_kind != "camera" else r.source,
        )
        for r in records
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    fmt = lambda row: "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()  # noqa: E731
    return [fmt(header), *(fmt(row) for row in rows)]


def csv_rows(records: Iterable[SessionRecord]) -> Iterable[list[str]]:
    """Every stored field; times in UTC (ISO 8601), fault counts as JSON."""
    yield ["id", *COLUMNS]
    for r in records:
        values = {
            **r.__dict__,
            "started_at": r.started_at.isoformat(),
            "fault_counts": json.dumps(dict(r.fault_counts), sort_keys=True),
        }
        yield ["" if values[c] is None else str(values[c]) for c in ["id", *COLUMNS]]


STRIP_DAYS = 28  # days on one line of the calendar strip: four weeks
MARKS = {"met": "#", "some": "+", "none": "."}


def _mark(d: Day) -> str:
    return MARKS["met"] if d.met else MARKS["some"] if d.count else MARKS["none"]


def adherence_lines(a: Adherence, name: str, basis: str) -> list[str]:
    """One exercise's adherence as a calendar strip, one character a day (``#`` met,
    ``+`` some but short, ``.`` none), four weeks a line; ``basis`` says where the
    prescription comes from, e.g. 'from "twice a day"'."""
    lines = [f"{name} ({a.exercise}): {per_day_words(a.per_day)} ({basis})"]
    for i in range(0, len(a.days), STRIP_DAYS):
        chunk = a.days[i : i + STRIP_DAYS]
        strip = "".join(_mark(d) for d in chunk)
        lines.append(f"  {chunk[0].day:%a %d %b} {strip} {chunk[-1].day:%a %d %b}")
    lines[-1] += f"   ({MARKS['met']} met, {MARKS['some']} some, {MARKS['none']} none)"
    lines.append(
        f"  days meeting it: {a.days_met} of {len(a.days)}; current streak: {a.streak} day{'s' if a.streak != 1 else ''}"
    )
    return lines


def per_day_plot_png(
    records: Sequence[SessionRecord], first: date, last: date, per_day: dict[str, PerDay] | None = None, dpi: int = 96
) -> bytes:
    """One panel per exercise: each local day's count in the exercise's own unit (reps a
    day for the bridge, sessions a day otherwise) against its own prescription, so that
    one exercise's target never makes another's look met. Met days are green."""
    per_day = per_day or {}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    exercises = sorted({r.exercise for r in records}) or ["(no sessions)"]
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(days))
    for r in records:
        i = index.get(r.started_at.astimezone().date())
        if i is None or not r.did_exercise:
            continue
        wanted = per_day.get(r.exercise)
        counts[r.exercise][i] += r.reps if wanted is not None and wanted.reps is not None else 1
    fig, axes = pyplot().subplots(
        len(exercises),
        1,
        sharex=True,
        squeeze=False,
        figsize=(max(6.0, 0.45 * len(days) + 2), 0.4 + 1.9 * len(exercises)),
        dpi=dpi,
    )
    x = list(range(len(days)))
    for ax, ex in zip(axes[:, 0], exercises):
        values, wanted = counts[ex], per_day.get(ex)
        met = [wanted is not None and v >= wanted.target for v in values]
        ax.bar(x, values, color=["#3aa36b" if m else "#2b7bb9" for m in met], width=0.75)
        unit = wanted.unit if wanted is not None else "sessions"
        if wanted is not None:
            ax.axhline(wanted.target, color="#d9822b", ls="--", lw=1.2, label=f"{per_day_words(wanted)} prescribed")
            ax.legend(fontsize=8, loc="upper left")
        ax.set_ylabel(unit, fontsize=8)
        ax.set_title(ex if wanted is not None else f"{ex} (no daily number prescribed)", fontsize=9, loc="left")
        ax.set_ylim(0, max([*values, wanted.target if wanted else 0], default=0) * 1.35 + 1)
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].figure.suptitle(f"formcheck history, {first:%Y-%m-%d} to {last:%Y-%m-%d}", fontsize=10)
    step = max(1, len(days) // 15)
    axes[-1, 0].set_xticks(x[::step], [f"{d:%a %d %b}" for d in days[::step]], rotation=45, ha="right", fontsize=8)
    return png(fig)


def trend_plot_png(records: Sequence[SessionRecord], exercise: str, dpi: int = 96) -> bytes:
    """One exercise's sessions in order: reps, hold time and faults per session (the web
    app's history page); the x axis is the session's local date and time."""
    rows = sorted((r for r in records if r.exercise == exercise), key=lambda r: r.started_at)
    fig, axes = pyplot().subplots(3, 1, sharex=True, figsize=(7.0, 5.5), dpi=dpi)
    x = list(range(len(rows)))
    for ax, values, label, colour in zip(
        axes,
        ([r.reps for r in rows], [r.hold_s for r in rows], [r.faults for r in rows]),
        ("reps", "hold time (s)", "faults"),
        ("#2b7bb9", "#3aa36b", "#d9822b"),
    ):
        ax.plot(x, values, marker="o", color=colour)
        ax.set_ylabel(label)
        ax.set_ylim(0, max(values, default=0) * 1.15 + 1)
        ax.grid(alpha=0.3)
    axes[0].set_title(f"{exercise}: {len(rows)} session{'s' if len(rows) != 1 else ''}", fontsize=10)
    step = max(1, len(rows) // 12)
    labels = [r.started_at.astimezone().strftime("%d %b %H:%M") for r in rows]
    axes[-1].set_xticks(x[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    return png(fig)
