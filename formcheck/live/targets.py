"""Watching the rep target while counting: "switch sides" when one side of a one-sided
exercise is done, "well done" when the whole target is met (once each)."""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.core.state import Counts, Side
from formcheck.feedback.cues import Cue


@dataclass(frozen=True)
class TargetNews:
    text: str  # printed
    cue: Cue  # said
    met: bool  # the whole target is met (a routine moves on)


class TargetWatch:
    """Tells each side done and the target met, once, as the counts grow."""

    def __init__(self, goal: int | None) -> None:
        self.goal = goal
        self._sides: set[Side] = set()
        self._met = False
        self._last_total = -1

    def update(self, counts: Counts) -> list[TargetNews]:
        if self.goal is None or counts.total == self._last_total:
            return []
        self._last_total = counts.total
        news = []
        for side in counts.sides_done(self.goal):
            if side not in self._sides:
                self._sides.add(side)
                if len(self._sides) < 2:
                    news.append(TargetNews(f"{side} side done: switch sides", Cue("Switch sides", 3.0), False))
        if not self._met and counts.met(self.goal):
            self._met = True
            news.append(TargetNews(f"target of {self.goal} reached", Cue("Well done", 3.0), True))
        return news
