"""A session: everything that happened while one exercise was analysed.

It consumes the evaluator's per-frame states and keeps what the reports need: the
event stream and a compact per-frame timeline of the measures (for peaks, plots and
CSV). Reports are built from it; it knows nothing about output formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from formcheck.core.events import Event, EventKind
from formcheck.core.state import Counts, Side

if TYPE_CHECKING:  # types only: reading a report or the history needs no OpenCV or NumPy
    from formcheck.engine.evaluator import FrameState
    from formcheck.engine.timeline import Timeline
    from formcheck.exercises.schema import Exercise
    from formcheck.sources.video import SourceInfo


def _new_timeline() -> Timeline:
    from formcheck.engine.timeline import Timeline  # NumPy, when an analysis makes a session

    return Timeline()


@dataclass
class Session:
    exercise: Exercise
    source: SourceInfo
    events: list[Event] = field(default_factory=list)
    timeline: Timeline = field(default_factory=_new_timeline)
    counts: Counts = field(default_factory=Counts)
    notes: list[str] = field(default_factory=list)  # about the input: cut short, downscaled, ...

    def add(self, state: FrameState) -> None:
        self.events.extend(state.events)
        self.counts = state.counts
        self.timeline.append(state.t, state.frame.has_person, state.side, state.phase, state.measures)

    def close(self, final_events: list[Event]) -> None:
        self.events.extend(final_events)

    @property
    def frames(self) -> int:
        return len(self.timeline)

    @property
    def frames_with_pose(self) -> int:
        return int(self.timeline.has_pose.values().sum())

    @property
    def duration_s(self) -> float:
        t = self.timeline.t.values()
        return float(t[-1] - t[0]) if len(t) else 0.0

    def of_kind(self, *kinds: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    def peak_measures(self, start_s: float, end_s: float, side: Side | None) -> dict[str, float]:
        """All measures at the frame where the rep measure was furthest into the position."""
        rep = self.exercise.rep
        return {} if rep is None else self.timeline.peak(rep.measure, rep.direction == "rise", start_s, end_s, side)
