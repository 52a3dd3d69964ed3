"""A routine's results: the ``formcheck.routine/1`` report and the closing summary."""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.core.ending import EndReason
from formcheck.core.state import Sides
from formcheck.engine.session import Session
from formcheck.exercises.routine import Routine, RoutineStep
from formcheck.reports.model import CAUTION, ROUTINE_SCHEMA, RoutineEntry, RoutineReport
from formcheck.reports.report import build_report, missing_holds


@dataclass(frozen=True)
class StepResult:
    step: RoutineStep
    session: Session
    ended_by: EndReason
    target_met: bool


def routine_report(routine: Routine, results: list[StepResult]) -> RoutineReport:
    """The routine's report: one ``formcheck.report/1`` per exercise done, with the step's target and end."""
    return RoutineReport(
        schema=ROUTINE_SCHEMA,
        routine=routine.name,
        source=routine.source,
        skipped=routine.skipped,
        exercises=[
            RoutineEntry.model_validate(
                {
                    **build_report(r.session).to_json(),
                    "routine_target": r.step.reps,
                    "target_met": r.target_met,
                    "ended_by": r.ended_by,
                }
            )
            for r in results
        ],
        caution=CAUTION,
    )


def routine_summary(routine: Routine, results: list[StepResult]) -> list[str]:
    lines = [f"{routine.name}: {sum(r.target_met for r in results)} of {len(routine.steps)} exercises done"]
    for r in results:
        counts = r.session.counts
        got = ", ".join(f"{k} {v}" for k, v in counts.items()) if counts.sides is Sides.EACH else str(counts.total)
        per_side = " per side" if r.step.exercise.sides is Sides.EACH else ""
        mark = "done" if r.target_met else f"stopped: {r.ended_by.words}"
        lines.append(f"  {r.step.exercise.name}: {got} of {r.step.reps}{per_side} - {mark}")
        lines.extend(f"    {line}" for line in missing_holds(build_report(r.session)) if r.session.counts)
    for step in routine.steps[len(results) :]:
        lines.append(f"  {step.exercise.name}: not started")
    if routine.skipped:
        lines.append(f"  skipped (not available in this version yet): {', '.join(routine.skipped)}")
    if routine.frequency:
        lines.append(f"  Do this routine {routine.frequency}.")
    return lines
