"""The per-frame timeline of a session, in NumPy columns."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from formcheck.core.columns import Column
from formcheck.core.state import Phase, Side


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One frame of the timeline, as the CSV rows and plots read it."""

    t: float
    has_pose: bool
    side: Side | None
    phase: Phase
    measures: dict[str, float]


class Timeline:
    """Every frame's time, pose flag, side, phase and measures, kept for the whole video
    in NumPy columns (``core/columns.py``): 25 bytes a frame and 8 a measure (about 70
    for five measures) instead of about 390 as one object per row, so an hour at 30 fps
    adds about 8 MB, not 42. A measure a frame lacks is NaN, as every reader takes a
    missing one."""

    def __init__(self) -> None:
        self.t = Column(float)
        self.has_pose = Column(bool)
        self._side = Column(object)  # Side members or None: one shared object each
        self._phase = Column(object)
        self.measures: dict[str, Column] = {}

    def append(self, t: float, has_pose: bool, side: Side | None, phase: Phase, measures: Mapping[str, float]) -> None:
        n = len(self.t)
        for name in measures:
            if name not in self.measures:  # first seen now (in the frame's order): NaN before
                self.measures[name] = column = Column(float)
                for _ in range(n):
                    column.append(math.nan)
        for name, column in self.measures.items():
            column.append(float(measures.get(name, math.nan)))
        self.t.append(t)
        self.has_pose.append(has_pose)
        self._side.append(side)
        self._phase.append(phase)

    def __len__(self) -> int:
        return len(self.t)

    def __iter__(self) -> Iterator[TimelineRow]:
        names = list(self.measures)
        columns = zip(*(self.measures[name].values() for name in names), strict=True) if names else repeat(())
        rows = zip(self.t.values(), self.has_pose.values(), self._side.values(), self._phase.values(), columns)
        for t, has_pose, side, phase, values in rows:
            yield TimelineRow(float(t), bool(has_pose), side, phase, dict(zip(names, map(float, values))))

    def peak(self, measure: str, rise: bool, start_s: float, end_s: float, side: Side | None) -> dict[str, float]:
        """Every measure (rounded to 0.1) at the frame between ``start_s`` and ``end_s``
        (on ``side``, unless None) where ``measure`` is highest (``rise``) or lowest; the
        first such frame on a tie. Empty when the measure is never seen there."""
        if measure not in self.measures:
            return {}
        t, values = self.t.values(), self.measures[measure].values()
        chosen = (t >= start_s) & (t <= end_s) & ~np.isnan(values)
        if side is not None:
            chosen &= self._side.values() == side
        rows = np.flatnonzero(chosen)
        if not len(rows):
            return {}
        best = rows[np.argmax(values[rows]) if rise else np.argmin(values[rows])]
        at_best = {name: float(column.values()[best]) for name, column in self.measures.items()}
        return {name: round(v, 1) for name, v in at_best.items() if not math.isnan(v)}
