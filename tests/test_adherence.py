"""The frequency phrase -> sessions a day mapping, days met and the streak."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from formcheck.history.adherence import adherence, sessions_per_day
from tests.test_history import make_record

UTC = timezone.utc


@pytest.mark.parametrize(
    "phrase,n",
    [
        ("twice a day", 2),
        ("about ten times a day", 10),
        ("Once a day", 1),
        ("daily", 1),
        ("every day, morning and evening", 1),
        ("3 times per day", 3),
        ("two to three times a day", 2),
        ("2-3 times each day", 2),
        ("thrice a day", 3),
        ("two to three times each leg", None),
        ("", None),
        ("twice a week", None),
    ],
)
def test_sessions_per_day(phrase, n):
    assert sessions_per_day(phrase) == n


def at(day: int, hour: int = 9, exercise: str = "bridge", reps: int = 5):
    return make_record(day * 10 + hour, exercise=exercise, when=datetime(2025, 3, day, hour, tzinfo=UTC), reps=reps)


def test_days_met_and_streak():
    records = [at(1), at(1, 18), at(2), at(3), at(3, 20), at(4), at(4, 19), at(4, 21, exercise="childs_pose")]
    a = adherence(records, "bridge", 2, today=date(2025, 3, 5), days=5, tz=UTC)
    assert [(d.day.day, d.sessions, d.met) for d in a.days] == [
        (1, 2, True),
        (2, 1, False),
        (3, 2, True),
        (4, 2, True),
        (5, 0, False),
    ]
    assert a.days_met == 3
    assert a.streak == 2  # 3rd and 4th; today (5th) is not over, so it does not break the streak
    done_today = adherence(records + [at(5, 7), at(5, 8)], "bridge", 2, today=date(2025, 3, 5), days=5, tz=UTC)
    assert done_today.streak == 3


def test_sessions_without_reps_or_holds_do_not_count():
    empty = replace(at(1), reps=0, holds=0)
    a = adherence([empty, at(1, 10)], "bridge", 2, today=date(2025, 3, 1), days=1, tz=UTC)
    assert a.days[0].sessions == 1 and not a.days[0].met and a.streak == 0


def test_days_are_local_days():
    late = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    tz = timezone(timedelta(hours=2))
    a = adherence([make_record(1, when=late)], "bridge", 1, today=date(2025, 3, 2), days=2, tz=tz)
    assert [d.sessions for d in a.days] == [0, 1]
