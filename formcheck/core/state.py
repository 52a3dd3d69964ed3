"""The engine's typed state: body sides, how an exercise counts its sides, the phase of a
frame and the rep counts. String enums, so that reports, CSV rows and the web app's JSON
keep the plain words ("left", "each", "position") they always carried."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """A body side, the person's own (not the picture's)."""

    LEFT = "left"
    RIGHT = "right"


class Sides(StrEnum):
    """How an exercise counts: both sides at once, or each side on its own."""

    NONE = "none"
    EACH = "each"


class Phase(StrEnum):
    """Where the person is in the exercise, for the overlay and the timeline."""

    SETUP = "setup"  # the start position has not been seen yet
    READY = "ready"  # counting: out of the position
    POSITION = "position"  # in the position (a hold may be timed)


@dataclass(frozen=True, eq=False)
class Counts(Mapping[str, int]):
    """The reps counted so far: one number for an exercise done with both sides at once,
    one per side for a one-sided one, none for an activity (nothing is counted).

    A read-only mapping in the shape the JSON report and the web app use
    (``{"total": n}`` or ``{"left": n, "right": n}``, empty for an activity), so that
    front ends ask it questions instead of decoding keys themselves."""

    sides: Sides | None = None  # None: nothing is counted
    left: int = 0
    right: int = 0
    both: int = 0  # reps of an exercise done with both sides at once

    @classmethod
    def of_both(cls, n: int) -> Counts:
        return cls(Sides.NONE, both=n)

    @classmethod
    def per_side(cls, left: int, right: int) -> Counts:
        return cls(Sides.EACH, left=left, right=right)

    @property
    def total(self) -> int:
        """Every rep, of either side."""
        return self.left + self.right + self.both

    def of(self, side: Side | None) -> int:
        """Reps of one side (of both together when ``side`` is None or sides are not counted apart)."""
        if self.sides is Sides.EACH and side is not None:
            return self.left if side is Side.LEFT else self.right
        return self.total

    def met(self, target: int) -> bool:
        """The rep target reached: on both sides for a one-sided exercise (never for an activity)."""
        if self.sides is Sides.EACH:
            return self.left >= target and self.right >= target
        return self.sides is not None and self.both >= target

    def sides_done(self, target: int) -> list[Side]:
        """The sides of a one-sided exercise that reached the target."""
        if self.sides is not Sides.EACH:
            return []
        return [side for side in Side if self.of(side) >= target]

    def _as_dict(self) -> dict[str, int]:
        if self.sides is Sides.EACH:
            return {Side.LEFT.value: self.left, Side.RIGHT.value: self.right}
        return {"total": self.both} if self.sides is Sides.NONE else {}

    def __getitem__(self, key: str) -> int:
        return self._as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return len(self._as_dict())
