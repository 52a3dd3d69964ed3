"""Summaries say what is missing (a hold never reached) and round without contradicting themselves."""

from __future__ import annotations

import pytest

from formcheck.feedback.wording import tenths
from formcheck.reports.model import CAUTION, SCHEMA, Report
from formcheck.reports.report import missing_holds


@pytest.mark.parametrize(
    "seconds, shown", [(2.96, "2.9"), (3.0, "3.0"), (0.3, "0.3"), (11.99, "11.9"), (12.04, "12.0")]
)
def test_durations_round_down_so_a_short_hold_never_reads_as_the_target(seconds, shown):
    assert tenths(seconds) == shown


HOLD = {"target_s": 5.0, "where": "with the knee at the chest"}


def _report(holds: list[dict], by_side: dict | None = None, hold: dict | None = HOLD) -> Report:
    return Report.model_validate(
        {
            **{"schema": SCHEMA, "exercise": "x", "exercise_name": "X", "source": "x.mp4", "fps": 30.0},
            **{"frames": 1, "frames_with_pose": 1, "duration_s": 1.0, "rep_target": None, "caution": CAUTION},
            **{"rep_count": 0, "reps": [], "not_counted": [], "faults": []},
            **{"holds": holds, "hold": hold, "rep_count_by_side": by_side},
        }
    )


def _hold(duration: float, side: str | None = None) -> dict:
    return {
        "start_s": 0.0,
        "end_s": duration,
        "duration_s": duration,
        "target_s": 5.0,
        "completed": duration >= 5.0,
        "side": side,
    }


def test_no_hold_at_all_is_said_too():
    assert missing_holds(_report([])) == [
        "no hold reached: the exercise asks for a 5 s hold with the knee at the chest"
    ]


def test_a_reached_hold_needs_no_line():
    assert missing_holds(_report([_hold(2.0), _hold(5.2)])) == []


def test_one_sided_exercises_name_the_side_that_missed():
    report = _report([_hold(5.5, "left"), _hold(3.96, "right")], {"left": 1, "right": 1})
    assert missing_holds(report) == [
        "no hold reached on the right side (longest 3.9 s): the exercise asks for a 5 s hold with the knee at the chest"
    ]


def test_exercises_without_a_hold_say_nothing():
    assert missing_holds(_report([], hold=None)) == []
