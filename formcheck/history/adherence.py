"""Adherence: did the person exercise as often as prescribed, day by day?

Exercise files give how often in the seed's own words (``frequency``). This module maps
the phrases that state a number of sessions per day to that number; anything else
(e.g. "two to three times each leg", which is about reps, not days) is no daily
prescription, and the user can give one with ``--per-day``. The mapping, explicitly:

- "daily", "every day", "once a day" -> 1; "twice a day" -> 2; "thrice a day" -> 3
- "<n> times a/per/each/every day", n in digits or a word from one to twelve, with an
  optional "about"/"around"/"at least" -> n ("about ten times a day" -> 10)
- a range, "<n> to <m> times a day" or "<n>-<m> times a day" -> n (the minimum)

A day meets the prescription when it has at least that many sessions that did the
exercise (one rep or one hold at least). Days are local calendar days. The current
streak counts met days back from today; today not being met yet does not break it
(the day is not over), so it then counts from yesterday.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from formcheck.history.store import SessionRecord

NUMBERS = {
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_N = r"(\d+|" + "|".join(NUMBERS) + r")"
_PER_DAY = re.compile(_N + r"(?:\s*(?:to|-|–|or)\s*" + _N + r")?(?:\s+times?)?\s+(?:a|per|each|every)\s+day\b")
_DAILY = re.compile(r"\b(?:daily|every day)\b")


def sessions_per_day(frequency: str) -> int | None:
    """Sessions per day that a frequency phrase prescribes, or None if it prescribes none."""
    text = frequency.lower()
    match = _PER_DAY.search(text)
    if match:
        word = match.group(1)
        n = int(word) if word.isdigit() else NUMBERS[word]
        return n if n > 0 else None
    return 1 if _DAILY.search(text) else None


@dataclass(frozen=True)
class Day:
    day: date
    sessions: int
    met: bool


@dataclass(frozen=True)
class Adherence:
    exercise: str
    per_day: int
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
    records: Iterable[SessionRecord], exercise: str, per_day: int, today: date, days: int, tz: tzinfo | None = None
) -> Adherence:
    """Day-by-day adherence to ``per_day`` sessions of ``exercise`` over ``days`` days up to ``today``."""
    if per_day < 1 or days < 1:
        raise ValueError("per_day and days must be at least 1")
    counts = Counter(r.started_at.astimezone(tz).date() for r in records if r.exercise == exercise and r.did_exercise)
    span = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    return Adherence(exercise, per_day, [Day(d, counts[d], counts[d] >= per_day) for d in span])
