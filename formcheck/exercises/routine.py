"""Routines: a TOML file listing exercises in order with their reps and holds.

Validated like exercise files (unknown keys, wrong types and out-of-range values are
errors naming the file and the key). An exercise id that formcheck does not know yet is
skipped with a note rather than rejected, so the seed routine keeps working while
exercise files are being added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from formcheck.core.errors import ExerciseError, UsageError
from formcheck.core.files import read_text_bounded
from formcheck.core.state import Counts
from formcheck.exercises.loader import (
    did_you_mean,
    exercise_ids,
    find_file,
    load_exercise,
    normalised_id,
    parse_toml_model,
)
from formcheck.exercises.schema import Exercise, _Strict

ROUTINE_SCHEMA = "formcheck.routine/1"
DEFAULT_ROUTINE = "default"


class StepSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="exercise id, as in poses/")
    reps: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="reps (per side for one-sided exercises); default: the exercise's target",
    )
    hold_s: float | None = Field(default=None, gt=0.0, le=3600.0, description="hold target; default: the exercise's")
    note: str = ""


class RoutineSpec(_Strict):
    name: str = Field(min_length=1)
    frequency: str = ""
    note: str = ""
    exercise: list[StepSpec] = Field(min_length=1)


@dataclass(frozen=True)
class RoutineStep:
    exercise: Exercise  # with the routine's hold target applied
    reps: int
    note: str = ""

    def target_met(self, counts: Counts) -> bool:
        """The step's rep target reached: on both sides for one-sided exercises."""
        return counts.met(self.reps)


@dataclass
class Routine:
    name: str
    source: str
    frequency: str
    note: str
    steps: list[RoutineStep]
    skipped: list[str] = field(default_factory=list)


def _step(spec: StepSpec, path: str, index: int) -> RoutineStep:
    exercise = load_exercise(spec.id)
    if spec.hold_s is not None:
        if exercise.hold is None:
            raise ExerciseError(f"{path}: exercise.{index}.hold_s: {spec.id!r} has no hold")
        if spec.hold_s < exercise.hold.min_s:
            raise ExerciseError(
                f"{path}: exercise.{index}.hold_s: {spec.hold_s:g} is below the exercise's shortest hold ({exercise.hold.min_s:g} s)"
            )
        exercise = exercise.model_copy(update={"hold": exercise.hold.model_copy(update={"target_s": spec.hold_s})})
    reps = spec.reps or exercise.rep.target or 1
    exercise = exercise.model_copy(update={"rep": exercise.rep.model_copy(update={"target": reps})})
    return RoutineStep(exercise, reps, spec.note)


def parse_routine(text: str, path: str) -> Routine:
    """Parse and validate a routine file's text; ``path`` names it in errors."""
    spec = parse_toml_model(RoutineSpec, text, path)
    known = set(exercise_ids())
    steps = [_step(s, path, i) for i, s in enumerate(spec.exercise) if s.id in known]
    skipped = [s.id for s in spec.exercise if s.id not in known]
    if not steps:
        raise ExerciseError(f"{path}: exercise: none of these exercises exist yet: {', '.join(skipped)}")
    return Routine(spec.name, path, spec.frequency, spec.note, steps, skipped)


def routine_file(name_or_path: str = DEFAULT_ROUTINE) -> Path:
    """The file behind a routine name (``routines/NAME.toml``) or path."""
    return find_file(name_or_path, "formcheck.exercises.routines", "routine")


def load_routine(name_or_path: str = DEFAULT_ROUTINE) -> Routine:
    """A bundled routine by name or any routine file by path."""
    path = routine_file(name_or_path)
    return parse_routine(read_text_bounded(path, "routine file", ExerciseError), str(path))


def _step_index(routine: Routine, flag: str, name: str) -> int:
    """Where exercise ``name`` (any case, ``-`` or spaces for ``_``) is in the routine."""
    ids = [step.exercise.id for step in routine.steps]
    wanted = normalised_id(name)
    if wanted in ids:
        return ids.index(wanted)
    raise UsageError(
        f"{flag}: {routine.name!r} has no exercise {name!r}; {did_you_mean(wanted, ids)}it has: {', '.join(ids)}"
    )


def choose_steps(routine: Routine, start: str | None = None, only: str | None = None) -> list[RoutineStep]:
    """The steps to run: all, from ``start`` on (``--start ID``), or those named in
    ``only`` (``--only ID,ID``, in the routine's order)."""
    if start is not None:
        return routine.steps[_step_index(routine, "--start", start) :]
    if only is not None:
        names = [name for name in only.split(",") if name.strip()]
        if not names:
            raise UsageError("--only: give exercise ids separated by commas, e.g. --only bridge,cobra")
        chosen = {_step_index(routine, "--only", name) for name in names}
        return [step for i, step in enumerate(routine.steps) if i in chosen]
    return routine.steps
