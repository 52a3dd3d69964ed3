"""Watching the rep target while counting: "switch sides" when one side of a one-sided
exercise is done, "well done" when the whole target is met (once each)."""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.core.reasons import Goal, Note, Reason, SideDone
from formcheck.core.state import Counts, Side
from formcheck.feedback.cues import Cue
from formcheck.feedback.wording import say

SWITCH_SIDES = Note(Reason.SWITCH_SIDES)
WELL_DONE = Note(Reason.WELL_DONE)


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
                    done = Note(Reason.SIDE_DONE, SideDone(side))
                    news.append(TargetNews(say(done), Cue(say(SWITCH_SIDES), 3.0), False))
        if not self._met and counts.met(self.goal):
            self._met = True
            met = Note(Reason.TARGET_REACHED, Goal(self.goal))
            news.append(TargetNews(say(met), Cue(say(WELL_DONE), 3.0), True))
        return news
