"""Reading a ``formcheck.report/1`` JSON report back, e.g. one a patient sent in.

``load_report`` validates the whole file against the schema ``report.build_report``
writes and returns it as a plain dict (the shape ``summary_lines`` takes); anything
wrong (not JSON, another schema, a missing or mistyped key, a negative count) is one
``InputError`` that names the file, the key and the problem. Unknown keys are allowed,
so reports from a later formcheck that only adds keys still read.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from formcheck.core.errors import InputError
from formcheck.exercises.loader import key_path
from formcheck.reports.report import SCHEMA

Side = Literal["left", "right"] | None
Seconds = float


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)


class _Span(_Part):
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    side: Side = None

    @model_validator(mode="after")
    def _order(self) -> _Span:
        if self.end_s < self.start_s:
            raise ValueError(f"end_s ({self.end_s}) is before start_s ({self.start_s})")
        return self


class RepEntry(_Span):
    index: int = Field(ge=1)
    peak: dict[str, float]
    hold_s: Seconds = Field(ge=0.0)
    faults: list[str]


class NotCounted(_Span):
    reason: str


class HoldEntry(_Span):
    duration_s: Seconds = Field(ge=0.0)
    target_s: Seconds = Field(gt=0.0)
    completed: bool


class FaultEntry(_Span):
    check: str
    message: str


class ActivityEntry(_Part):
    start_s: Seconds = Field(ge=0.0)
    end_s: Seconds = Field(ge=0.0)
    duration_s: Seconds = Field(ge=0.0)


class Report(_Part):
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
    rep_count_by_side: dict[Literal["left", "right"], int] | None
    rep_target: int | None = Field(ge=1)
    reps: list[RepEntry]
    not_counted: list[NotCounted]
    holds: list[HoldEntry]
    faults: list[FaultEntry]
    active_s: Seconds | None = Field(default=None, ge=0.0)
    activity: list[ActivityEntry] | None = None
    notes: list[str] = Field(default_factory=list)
    caution: str

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


def _key(loc: tuple[Any, ...]) -> str:
    return key_path(tuple("schema" if part == "schema_" else part for part in loc))


def parse_report(text: str, name: str) -> dict[str, Any]:
    """Validate report text; ``name`` names it in errors. Returns the report as a dict."""
    try:
        data = json.loads(text, parse_constant=lambda word: math.nan)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, or an integer of over 4300 digits
        raise InputError(f"{name}: not a JSON report: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}: not a formcheck report: the top level is a {type(data).__name__}, not an object")
    if data.get("schema") != SCHEMA:
        raise InputError(f"{name}: schema: expected {SCHEMA!r}, got {data.get('schema')!r}")
    try:
        report = Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        problem = " ".join(first["msg"].removeprefix("Value error, ").split())
        raise InputError(f"{name}: {_key(first['loc'])}: {problem}{more}") from None
    return report.model_dump(by_alias=True)


def load_report(path: Path) -> dict[str, Any]:
    """Read and validate a ``formcheck.report/1`` file."""
    if not path.is_file():
        raise InputError(f"report not found: {path}" if not path.exists() else f"not a report file: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read report {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_report(text, str(path))
