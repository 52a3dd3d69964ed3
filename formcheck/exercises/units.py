"""The unit of each measure, in words: what ``formcheck show`` prints after a number.

Angles, inclinations and swings are degrees; the other kinds are ratios of a body
segment (a height divided by the trunk's length, a lateral shift by the hip width), so
their unit is that segment, named as a person would say it.
"""

from __future__ import annotations

from formcheck.exercises.kinds import KINDS
from formcheck.exercises.schema import MeasureSpec

# The reference segments the exercise files use, by their two points.
SEGMENTS = {
    frozenset({"shoulder", "hip"}): "trunk lengths",
    frozenset({"mid_shoulder", "mid_hip"}): "trunk lengths",
    frozenset({"hip", "knee"}): "thigh lengths",
    frozenset({"left_shoulder", "right_shoulder"}): "shoulder widths",
    frozenset({"left_hip", "right_hip"}): "hip widths",
    frozenset({"other_hip", "hip"}): "hip widths",
    frozenset({"mid_ear", "mid_shoulder"}): "neck lengths",
}


def unit_of(spec: MeasureSpec) -> str:
    """``degrees``, or the segment a ratio is measured in (``trunk lengths``)."""
    if KINDS[spec.kind].degrees:
        return "degrees"
    a, b = spec.points[1:3] if spec.kind == "offset" else (spec.per or ["", ""])
    return SEGMENTS.get(frozenset({a, b}), f"{a}-{b} lengths")


def amount(value: float, spec: MeasureSpec, speed: bool = False) -> str:
    """A number with its unit: ``14 degrees``, ``0.2 trunk lengths``, ``120 degrees/s``."""
    return f"{value:g} {unit_of(spec)}{'/s' if speed else ''}"
