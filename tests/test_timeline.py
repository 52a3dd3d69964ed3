"""The session's per-frame timeline, kept in columns."""

from __future__ import annotations

import math
import random

from formcheck.core.state import Phase, Side
from formcheck.engine.timeline import Timeline, TimelineRow


def _rows(n: int, seed: int = 3) -> list[TimelineRow]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        measures = {"hip": round(rng.uniform(100, 180), 0)}  # rounded: ties happen
        if i > n // 3:  # a measure first seen part-way
            measures["knee"] = rng.uniform(60, 120)
        if rng.random() < 0.1:
            del measures["hip"]  # a frame without the measure
        side = rng.choice([Side.LEFT, Side.RIGHT, None])
        rows.append(TimelineRow(i / 30, rng.random() < 0.9, side, rng.choice(list(Phase)), measures))
    return rows


def _timeline(rows: list[TimelineRow]) -> Timeline:
    timeline = Timeline()
    for r in rows:
        timeline.append(r.t, r.has_pose, r.side, r.phase, r.measures)
    return timeline


def test_rows_read_back_as_appended_with_nan_for_missing_measures() -> None:
    rows = _rows(2500)
    back = list(_timeline(rows))
    assert len(back) == len(rows)
    for was, got in zip(rows, back, strict=True):
        assert (got.t, got.has_pose, got.side, got.phase) == (was.t, was.has_pose, was.side, was.phase)
        assert {k: v for k, v in got.measures.items() if not math.isnan(v)} == was.measures


def test_peak_is_the_first_furthest_frame_of_the_span_and_side() -> None:
    rows = _rows(2500)
    timeline = _timeline(rows)
    for start, end, side, rise in [
        (1.0, 20.0, None, True),
        (5.0, 60.0, Side.LEFT, False),
        (0.0, 90.0, Side.RIGHT, True),
    ]:
        span = [r for r in rows if start <= r.t <= end and (side is None or r.side == side) and "hip" in r.measures]
        best = (max if rise else min)(span, key=lambda r: r.measures["hip"])  # the first on a tie
        expected = {k: round(v, 1) for k, v in best.measures.items()}
        peak = timeline.peak("hip", rise, start, end, side)
        assert peak == expected and list(peak) == list(expected)  # the report lists them in the frame's order
    assert timeline.peak("hip", True, 200.0, 300.0, None) == {}
    assert timeline.peak("ankle", True, 0.0, 90.0, None) == {}
