"""Sessions or reps a day from the exercise files, days met and the streak."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from importlib.resources import files

import pytest

from formcheck.core.errors import ExerciseError
from formcheck.exercises.loader import load_exercise, parse_exercise
from formcheck.exercises.schema import PerDay
from formcheck.feedback.wording import per_day_words
from formcheck.history.adherence import adherence
from tests.test_history import make_record

UTC = timezone.utc
TWICE = PerDay(sessions=2)


@pytest.mark.parametrize(
    "exercise,words",
    [
        ("bridge", "10 reps a day"),  # "Repeat like ten routines each day": ten bridges
        ("cat_stretch", "2 sessions a day"),  # "Repeat 3-4 times twice a day"
        ("shoulder_blade_squeeze", "2 sessions a day"),  # "five times, twice daily"
        ("lower_back_rotation", "2 sessions a day"),  # "once in the morning and once at night"
        ("knee_to_chest", None),  # "two to three times each leg": reps, no daily number
        ("cobra", None),  # "a couple of times"
    ],
)
def test_exercise_files_say_sessions_or_reps_a_day(exercise, words):
    per_day = load_exercise(exercise).per_day
    assert (per_day_words(per_day) if per_day else None) == words


@pytest.mark.parametrize(
    "table,problem",
    [
        ("{ sessions = 2, reps = 10 }", "not both or neither"),
        ("{ }", "not both or neither"),
        ("{ sessions = 0 }", "per_day.sessions"),
        ("{ sessions = 25 }", "per_day.sessions"),
        ("{ times = 2 }", "per_day.times"),
    ],
)
def test_per_day_is_validated(table, problem):
    text = (files("formcheck.exercises.poses") / "bridge.toml").read_text()
    text = text.replace("per_day = { reps = 10 }", f"per_day = {table}")
    with pytest.raises(ExerciseError, match=re.escape(problem)):
        parse_exercise(text, "bridge.toml")


def at(day: int, hour: int = 9, exercise: str = "bridge", reps: int = 5):
    return make_record(day * 10 + hour, exercise=exercise, when=datetime(2025, 3, day, hour, tzinfo=UTC), reps=reps)


def test_days_met_and_streak():
    records = [at(1), at(1, 18), at(2), at(3), at(3, 20), at(4), at(4, 19), at(4, 21, exercise="childs_pose")]
    a = adherence(records, "bridge", TWICE, today=date(2025, 3, 5), days=5, tz=UTC)
    assert [(d.day.day, d.count, d.met) for d in a.days] == [
        (1, 2, True),
        (2, 1, False),
        (3, 2, True),
        (4, 2, True),
        (5, 0, False),
    ]
    assert a.days_met == 3
    assert a.streak == 2  # 3rd and 4th; today (5th) is not over, so it does not break the streak
    done_today = adherence(records + [at(5, 7), at(5, 8)], "bridge", TWICE, today=date(2025, 3, 5), days=5, tz=UTC)
    assert done_today.streak == 3


def test_sessions_without_reps_or_holds_do_not_count():
    empty = replace(at(1), reps=0, holds=0)
    a = adherence([empty, at(1, 10)], "bridge", TWICE, today=date(2025, 3, 1), days=1, tz=UTC)
    assert a.days[0].count == 1 and not a.days[0].met and a.streak == 0


def test_days_are_local_days():
    late = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    tz = timezone(timedelta(hours=2))
    a = adherence([make_record(1, when=late)], "bridge", PerDay(sessions=1), today=date(2025, 3, 2), days=2, tz=tz)
    assert [d.count for d in a.days] == [0, 1]


def test_reps_a_day_add_up_over_the_days_sessions():
    """Ten bridges a day: two sessions of five meet it, one of five does not."""
    records = [at(1, reps=5), at(1, 18, reps=5), at(2, reps=5), at(3, reps=12)]
    a = adherence(records, "bridge", PerDay(reps=10), today=date(2025, 3, 3), days=3, tz=UTC)
    assert [(d.count, d.met) for d in a.days] == [(10, True), (5, False), (12, True)]
