"""Routine files: validated like exercise files; exercises not available yet are skipped."""

from __future__ import annotations

import pytest

from formcheck.core.errors import ExerciseError
from formcheck.exercises.loader import exercise_ids
from formcheck.exercises.routine import load_routine, parse_routine
from formcheck.feedback.wording import step_intro

SEED_ORDER = [
    "lower_back_rotation",
    "cat_stretch",
    "bridge",
    "shoulder_blade_squeeze",
    "knee_to_chest",
    "cobra",
    "cow_pose",
    "childs_pose",
    "leg_stretch",
    "neck_stretch",
    "hip_stretch",
]


def test_default_routine_is_the_seed_order_skipping_what_is_missing():
    routine = load_routine()
    known = set(exercise_ids())
    assert [s.exercise.id for s in routine.steps] == [i for i in SEED_ORDER if i in known]
    assert routine.skipped == [i for i in SEED_ORDER if i not in known]
    assert routine.frequency == "twice a day"
    knee = next(s for s in routine.steps if s.exercise.id == "knee_to_chest")
    assert any("opposite side" in line for line in step_intro(knee))


def test_targets_can_be_overridden():
    routine = parse_routine('name = "x"\n[[exercise]]\nid = "bridge"\nreps = 4\nhold_s = 6\n', "x.toml")
    step = routine.steps[0]
    assert step.reps == 4 and step.exercise.rep.target == 4 and step.exercise.hold.target_s == 6.0


@pytest.mark.parametrize(
    "text,message",
    [
        (
            'name = "x"\n[[exercise]]\nid = "bridge"\nrep = 4\n',
            "x.toml: exercise.0.rep: Extra inputs are not permitted",
        ),
        (
            'name = "x"\n[[exercise]]\nid = "bridge"\nreps = 0\n',
            "x.toml: exercise.0.reps: Input should be greater than or equal to 1",
        ),
        (
            'name = "x"\n[[exercise]]\nid = "bridge"\nhold_s = 0.3\n',
            "x.toml: exercise.0.hold_s: 0.3 is below the exercise's shortest hold",
        ),
        (
            'name = "x"\n[[exercise]]\nid = "nothing_yet"\n',
            "x.toml: exercise: none of these exercises exist yet: nothing_yet",
        ),
        ('name = "x"\nexercise = []\n', "x.toml: exercise: List should have at least 1 item"),
        ("name = ", "x.toml: not valid TOML"),
    ],
)
def test_bad_routine_files_name_the_file_and_key(text, message):
    with pytest.raises(ExerciseError) as info:
        parse_routine(text, "x.toml")
    assert str(info.value).startswith(message)


def test_unknown_routine_name():
    with pytest.raises(ExerciseError, match="unknown routine 'nope'; known: default"):
        load_routine("nope")
