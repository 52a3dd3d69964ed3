"""The ``Report`` (schema ``formcheck.report/1``) built from a session, its summary and its JSON.

Outputs are written to a temporary file beside the target and renamed into place, so
an interrupted run never leaves a half-written file or destroys an earlier report.
"""

from __future__ import annotations

import json
from pathlib import Path

from formcheck import __version__
from formcheck.core.events import ActiveEnded, FaultEnded, HoldEnded, RepCompleted, RepRejected, payloads
from formcheck.core.state import Side, Sides
from formcheck.engine.session import Session
from formcheck.feedback.wording import say, tenths
from formcheck.reports.model import (
    CAUTION,
    SCHEMA,
    ActivityEntry,
    FaultEntry,
    HoldAsked,
    HoldEntry,
    NotCounted,
    RepEntry,
    Report,
    RoutineReport,
)


def _r(x: float) -> float:
    return round(float(x), 2)


def missing_holds(report: Report) -> list[str]:
    """What the summary must say when no hold reached the target (per side for one-sided
    exercises): "no hold reached: the exercise asks for a 12 s hold at the top (three
    deep breaths)". Empty when every side reached one, or the exercise has no hold."""
    hold = report.hold
    if hold is None and report.holds:  # a report from before the "hold" key
        hold = HoldAsked(target_s=report.holds[0].target_s)
    if hold is None:
        return []
    sides: list[str | None] = ["left", "right"] if report.one_sided else [None]
    reached = {h.side for h in report.holds if h.completed}
    short = [side for side in sides if side not in reached]
    if not short:
        return []
    asks = f"the exercise asks for a {hold.target_s:g} s hold" + (f" {hold.where}" if hold.where else "")
    longest = max((h.duration_s for h in report.holds if h.side in short), default=None)
    held = f" (longest {tenths(longest)} s)" if longest is not None else ""
    where = f" on the {' or '.join(s for s in short if s)} side" if short != [None] and len(short) < len(sides) else ""
    return [f"no hold reached{where}{held}: {asks}"]


def _faults(session: Session) -> list[FaultEntry]:
    faults = [
        FaultEntry(check=d.check, message=say(d.message), start_s=_r(d.start_s), end_s=_r(d.end_s), side=e.side)
        for e, d in payloads(session.events, FaultEnded)
    ]
    return sorted(faults, key=lambda f: f.start_s)


def _holds(session: Session) -> list[HoldEntry]:
    return [
        HoldEntry(
            start_s=_r(d.start_s),
            end_s=_r(d.end_s),
            duration_s=_r(d.duration_s),
            target_s=d.target_s,
            completed=d.completed,
            side=e.side,
        )
        for e, d in payloads(session.events, HoldEnded)
    ]


def _overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 <= b1 and b0 <= a1


def _reps(session: Session, holds: list[HoldEntry], faults: list[FaultEntry]) -> list[RepEntry]:
    """Each counted rep with its peak measures, the time held and the checks that failed during it."""
    one_sided = session.exercise.sides is Sides.EACH
    reps = []
    for i, (e, d) in enumerate(payloads(session.events, RepCompleted), start=1):
        start, end = d.start_s, d.end_s

        def during(
            item: HoldEntry | FaultEntry, side: Side | None = e.side, start: float = start, end: float = end
        ) -> bool:
            return (not one_sided or item.side == side) and _overlaps(start, end, item.start_s, item.end_s)

        reps.append(
            RepEntry(
                index=i,
                start_s=_r(start),
                end_s=_r(end),
                side=e.side,
                peak=session.peak_measures(start, end, e.side),
                hold_s=_r(sum(h.duration_s for h in holds if during(h))),
                faults=sorted({f.check for f in faults if during(f)}),
            )
        )
    return reps


def build_report(session: Session) -> Report:
    ex = session.exercise
    holds = _holds(session)
    faults = _faults(session)
    reps = _reps(session, holds, faults)
    not_counted = [
        NotCounted(start_s=_r(d.start_s), end_s=_r(d.end_s), side=e.side, reason=say(d.reason))
        for e, d in payloads(session.events, RepRejected)
    ]
    activity = [
        ActivityEntry(start_s=_r(d.start_s), end_s=_r(d.end_s), duration_s=_r(d.duration_s))
        for _, d in payloads(session.events, ActiveEnded)
    ]
    by_side: dict[str, int] | None = None
    if ex.sides is Sides.EACH:
        by_side = {s.value: sum(1 for r in reps if r.side == s) for s in Side}
    return Report(
        schema=SCHEMA,
        formcheck_version=__version__,
        exercise=ex.id,
        exercise_name=ex.name,
        source=session.source.name,
        fps=_r(session.source.fps),
        frames=session.frames,
        frames_with_pose=session.frames_with_pose,
        duration_s=_r(session.duration_s),
        rep_count=len(reps),
        rep_count_by_side=by_side,
        rep_target=ex.rep.target if ex.rep else None,
        reps=reps,
        not_counted=not_counted,
        holds=holds,
        hold=HoldAsked(target_s=ex.hold.target_s, where=ex.hold.where) if ex.hold else None,
        faults=faults,
        active_s=_r(sum(a.duration_s for a in activity)) if ex.activity else None,
        activity=activity if ex.activity else None,
        notes=list(session.notes),
        caution=CAUTION,
    )


def unrecognised_report(
    source: str, fps: float, frames: int, frames_with_pose: int, duration_s: float, notes: list[str]
) -> Report:
    """The report of a video in which no known exercise was recognised: no exercise, no reps."""
    return Report(
        schema=SCHEMA,
        formcheck_version=__version__,
        exercise=None,
        exercise_name=None,
        source=source,
        fps=_r(fps),
        frames=frames,
        frames_with_pose=frames_with_pose,
        duration_s=_r(duration_s),
        rep_count=0,
        rep_count_by_side=None,
        rep_target=None,
        reps=[],
        not_counted=[],
        holds=[],
        faults=[],
        active_s=None,
        activity=None,
        notes=notes,
        caution=CAUTION,
    )


def _recognition_line(report: Report) -> list[str]:
    """What recognition found, first in the summary (nothing when -e named the exercise)."""
    found = report.recognition
    if found is None:
        return []
    if found.exercise is not None:
        return [f"Recognised: {report.exercise_name} (confidence {found.confidence:.2f})"]
    closest = found.alternatives[0] if found.alternatives else None
    named = f" (closest: {closest.name or closest.exercise}, score {closest.score:.2f})" if closest else ""
    return [f"No known exercise recognised{named}"]


def _segment_lines(report: Report) -> list[str]:
    """A routine recording: one block per segment, each its own exercise's summary."""
    segments = report.segments or []
    lines = [f"Recognised {len(segments)} exercises, one after another: {report.source}"]
    for i, seg in enumerate(segments, 1):
        lines.append(f"Segment {i}: {seg.start_s:.1f}-{seg.end_s:.1f} s (confidence {seg.confidence:.2f})")
        lines += [f"  {line}" for line in summary_lines(seg.report)[:-1]]
    lines += [f"  note: {note}" for note in report.notes]
    return [*lines, f"  {report.caution}"]


def summary_lines(report: Report) -> list[str]:
    """The short human summary printed after an analysis."""
    if report.segments:
        return _segment_lines(report)
    lines = _recognition_line(report)
    if report.exercise is None:
        lines.append(f"  source: {report.source}")
        lines += [f"  note: {note}" for note in report.notes]
        return [*lines, f"  {report.caution}"]
    lines.append(f"{report.exercise_name}: {report.source}")
    by_side = report.rep_count_by_side
    reps = f"{report.rep_count}" + (f" (left {by_side['left']}, right {by_side['right']})" if by_side else "")
    target = f", target {report.rep_target}" + (" per side" if by_side else "") if report.rep_target else ""
    if report.active_s is not None and report.activity is not None:
        lines.append(f"  active: {report.active_s / 60:.1f} min in {len(report.activity)} bouts of movement")
    else:
        lines.append(f"  reps: {reps}{target}")
    for h in report.holds:
        side = f" {h.side}" if h.side else ""
        mark = "done" if h.completed else f"short of {h.target_s:g} s"
        lines.append(f"  hold{side}: {tenths(h.duration_s)} s at {h.start_s:.1f}-{h.end_s:.1f} s ({mark})")
    lines.extend(f"  {line}" for line in missing_holds(report))
    for n in report.not_counted:
        lines.append(f"  not counted at {n.start_s:.1f} s: {n.reason}")
    seen: dict[str, int] = {}
    for f in report.faults:
        seen[f.message] = seen.get(f.message, 0) + 1
    for message, n in seen.items():
        lines.append(f"  form: {message} ({n}x)")
    if report.frames_with_pose < report.frames:
        lines.append(f"  person visible in {report.frames_with_pose} of {report.frames} frames")
    for note in report.notes:
        lines.append(f"  note: {note}")
    lines.append(f"  {report.caution}")
    return lines


def write_json(report: Report | RoutineReport, path: Path) -> None:
    """Write the report (to the temporary file a command's ``OutputPlan`` staged)."""
    path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
