"""A session: everything that happened while one exercise was analysed.

It consumes the evaluator's per-frame states and keeps what the reports need: the
event stream and a compact per-frame timeline of the measures (for peaks, plots and
CSV). Reports are built from it; it knows nothing about output formats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from formcheck.core.events import Event, EventKind
from formcheck.core.state import Counts, Phase, Side

if TYPE_CHECKING:  # types only: reading a report or the history needs no OpenCV or NumPy
    from formcheck.engine.evaluator import FrameState
    from formcheck.exercises.schema import Exercise
    from formcheck.sources.video import SourceInfo


@dataclass(slots=True)
class TimelineRow:
    """One frame of the timeline: kept for every frame of the video, so kept small (no
    instance dict; measures as Python floats, not the NumPy scalars and 0-d arrays the
    geometry returns, which take two to five times the memory)."""

    t: float
    has_pose: bool
    side: Side
    phase: Phase
    measures: dict[str, float]


@dataclass
class Session:
    exercise: Exercise
    source: SourceInfo
    events: list[Event] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    notes: list[str] = field(default_factory=list)  # about the input: cut short, downscaled, ...

    def add(self, state: FrameState) -> None:
        self.events.extend(state.events)
        self.counts = state.counts
        measures = {name: float(value) for name, value in state.measures.items()}
        self.timeline.append(TimelineRow(state.t, state.frame.has_person, state.side, state.phase, measures))

    def close(self, final_events: list[Event]) -> None:
        self.events.extend(final_events)

    @property
    def frames(self) -> int:
        return len(self.timeline)

    @property
    def frames_with_pose(self) -> int:
        return sum(row.has_pose for row in self.timeline)

    @property
    def duration_s(self) -> float:
        return self.timeline[-1].t - self.timeline[0].t if self.timeline else 0.0

    def of_kind(self, *kinds: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    def peak_measures(self, start_s: float, end_s: float, side: Side | None) -> dict[str, float]:
        """All measures at the frame where the rep measure was furthest into the position."""
        rep = self.exercise.rep
        if rep is None:
            return {}
        rows = [r for r in self.timeline if start_s <= r.t <= end_s and (side is None or r.side == side)]
        rows = [r for r in rows if not math.isnan(r.measures.get(rep.measure, math.nan))]
        if not rows:
            return {}
        pick = max if rep.direction == "rise" else min
        best = pick(rows, key=lambda r: r.measures[rep.measure])
        return {k: round(v, 1) for k, v in best.measures.items() if not math.isnan(v)}
