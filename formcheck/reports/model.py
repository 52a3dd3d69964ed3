"""The report model: one typed, frozen ``Report`` (schema ``formcheck.report/1``) that
``build_report`` returns, the JSON writer dumps, the reader validates into and every
renderer (summary, HTML, history, batch index, web app) reads by attribute.

The model is the schema: field order is the JSON key order, and ``to_json`` leaves out
the optional parts a report never had (``hold`` before it was added, ``recognition``
when ``-e`` named the exercise, ``segments`` for a single exercise), so a report reads
back and writes out byte for byte. Unknown keys are kept (``extra="allow"``), so
reports from a later formcheck that only adds keys still read.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from formcheck.core.state import Side

SCHEMA = "formcheck.report/1"
ROUTINE_SCHEMA = "formcheck.routine/1"
CAUTION = "Stop at once if you feel any sharp pain. formcheck gives exercise feedback; it does not diagnose or treat."

Seconds = float
SideName = Literal["left", "right"]


class Part(BaseModel):
    """A piece of a report: frozen, finite numbers only, unknown keys kept."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON object (keys in schema order; parts never set left out)."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class _Span(Part):
    """Something with a start and an end (each subclass declares them, in its key order)."""

    @model_validator(mode="after")
    def _order(self) -> _Span:
        start, end = getattr(self, "start_s"), getattr(self, "end_s")  # noqa: B009 (declared by subclasses)
        if end < start:
            raise ValueError(f"end_s ({end}) is before start_s ({start})")
        return self


class RepEntry(_Span):
    index: int = Field(ge=1)
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    side: Side | None = None
    peak: dict[str, float]  # every measure at the rep's furthest point
    hold_s: Seconds = Field(ge=0.0)
    faults: list[str]  # ids of the checks that failed during the rep


class NotCounted(_Span):
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    side: Side | None = None
    reason: str


class HoldEntry(_Span):
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    duration_s: Seconds = Field(ge=0.0)
    target_s: Seconds = Field(gt=0.0)
    completed: bool
    side: Side | None = None


class HoldAsked(Part):
    """The hold the exercise asks for (what a summary names when none was reached)."""

    target_s: Seconds = Field(gt=0.0)
    where: str = ""


class FaultEntry(_Span):
    check: str
    message: str
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    side: Side | None = None


class ActivityEntry(_Span):
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    duration_s: Seconds = Field(ge=0.0)


class Alternative(Part):
    exercise: str
    name: str = ""  # absent in reports of the first recognising formcheck
    score: float


class Recognition(Part):
    """What recognition found (only when the exercise was not named): None for none."""

    exercise: str | None
    confidence: float
    alternatives: list[Alternative]


class Report(Part):
    schema_: Literal["formcheck.report/1"] = Field(alias="schema")
    formcheck_version: str = ""
    exercise: str | None = Field(min_length=1)  # None: no known exercise recognised
    exercise_name: str | None
    source: str
    fps: float = Field(gt=0.0)
    frames: int = Field(ge=0)
    frames_with_pose: int = Field(ge=0)
    duration_s: Seconds = Field(ge=0.0)
    rep_count: int = Field(ge=0)
    rep_count_by_side: dict[SideName, int] | None
    rep_target: int | None = Field(ge=1)
    reps: list[RepEntry]
    not_counted: list[NotCounted]
    holds: list[HoldEntry]
    hold: HoldAsked | None = None  # absent in reports from before it was added
    faults: list[FaultEntry]
    active_s: Seconds | None = Field(default=None, ge=0.0)
    activity: list[ActivityEntry] | None = None
    notes: list[str] = Field(default_factory=list)
    caution: str
    recognition: Recognition | None = None
    segments: list[Segment] | None = None  # a recording of several exercises, one report each

    @model_validator(mode="after")
    def _consistent(self) -> Report:
        if self.frames_with_pose > self.frames:
            raise ValueError(f"frames_with_pose ({self.frames_with_pose}) exceeds frames ({self.frames})")
        if len(self.reps) != self.rep_count:
            raise ValueError(f"rep_count ({self.rep_count}) differs from the {len(self.reps)} entries in reps")
        if self.rep_count_by_side is not None and set(self.rep_count_by_side) != {"left", "right"}:
            raise ValueError("rep_count_by_side needs both 'left' and 'right'")
        if (self.active_s is None) != (self.activity is None):
            raise ValueError("active_s and activity go together: both null or both given")
        return self

    @property
    def one_sided(self) -> bool:
        """Counted per side (``rep_count_by_side`` given)."""
        return self.rep_count_by_side is not None

    def with_recognition(self, recognition: Recognition) -> Report:
        return self.model_copy(update={"recognition": recognition})


class Segment(Part):
    """One exercise of a longer recording: where it is, how sure recognition is, its report."""

    exercise: str
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    confidence: float = Field(ge=0.0, le=1.0)
    report: Report


class RoutineEntry(Report):
    """One exercise of a routine: its report, the routine's target and how the step ended."""

    routine_target: int
    target_met: bool
    ended_by: str


class RoutineReport(Part):
    """A routine's JSON report (``formcheck.routine/1``): one report per exercise done."""

    schema_: Literal["formcheck.routine/1"] = Field(alias="schema")
    routine: str
    source: str
    skipped: list[str]
    exercises: list[RoutineEntry]
    caution: str


Report.model_rebuild()
