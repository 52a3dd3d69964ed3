"""Adherence: did the person exercise as often as prescribed, day by day?

How often comes from the exercise file's ``per_day`` (validated with the file): either
sessions a day ("twice a day": two sessions that did the exercise) or repetitions a day
in all ("about ten times a day" of the bridge means ten bridges, in one session or
several). The seed's own words stay in ``frequency`` and are shown beside the number;
an exercise whose seed gives no daily number ("a couple of times", "a few times a day")
has no ``per_day``, and the user can give one with ``--per-day`` (sessions a day).

A session counts when it did the exercise (one rep or one hold at least). Days are local
calendar days. The current streak counts met days back from today; today not being met
yet does not break it (the day is not over), so it then counts from yesterday.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from formcheck.exercises.schema import PerDay
from formcheck.history.store import SessionRecord


@dataclass(frozen=True)
class Day:
    day: date
    count: int  # sessions or reps that day, as the prescription counts
    met: bool


@dataclass(frozen=True)
class Adherence:
    exercise: str
    per_day: PerDay
    days: list[Day]  # oldest first, ending today

    @property
    def days_met(self) -> int:
        return sum(d.met for d in self.days)

    @property
    def streak(self) -> int:
        days = self.days if self.days and self.days[-1].met else self.days[:-1]
        n = 0
        for d in reversed(days):
            if not d.met:
                break
            n += 1
        return n


def adherence(
    records: Iterable[SessionRecord], exercise: str, per_day: PerDay, today: date, days: int, tz: tzinfo | None = None
) -> Adherence:
    """Day-by-day adherence to ``per_day`` for ``exercise`` over ``days`` days up to ``today``."""
    if days < 1:
        raise ValueError("days must be at least 1")
    counts: Counter[date] = Counter()
    for r in records:
        if r.exercise == exercise and r.did_exercise:
            counts[r.started_at.astimezone(tz).date()] += 1 if per_day.sessions is not None else r.reps
    span = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    return Adherence(exercise, per_day, [Day(d, counts[d], counts[d] >= per_day.target) for d in span])
