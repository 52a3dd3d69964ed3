"""Exercise files: every bundled one loads; broken ones name the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.core.errors import ExerciseError
from formcheck.exercises.loader import exercise_ids, load_exercise, load_exercise_file

BRIDGE = Path(__file__).resolve().parent.parent / "poses" / "bridge.toml"


def test_every_bundled_exercise_loads():
    ids = exercise_ids()
    assert "bridge" in ids
    for name in ids:
        assert load_exercise(name).id == name


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = BRIDGE.read_text()
    assert old in text, old
    path = tmp_path / "bridge.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    "old,new,key,problem",
    [
        ('direction = "rise"', 'direction = "rise"\nspeed = 3', "rep.speed", "Extra inputs are not permitted"),
        ("enter = 14.0", 'enter = "high"', "rep.enter", "valid number"),
        ("exit = 8.0", "exit = 16.0", "rep", "exit (16.0) must be below enter (14.0)"),
        (
            "exit = 8.0",
            "exit = -2.0",
            "rep",
            "with relative = true, exit (-2.0) must be an offset towards the position",
        ),
        (
            'measure = "hip"\ndirection',
            'measure = "hips"\ndirection',
            "(top level)",
            "rep.measure 'hips' is not defined",
        ),
        (
            'points = ["shoulder", "hip", "knee"]',
            'points = ["shoulder", "hipp", "knee"]',
            "measures.hip.points",
            "unknown point 'hipp'",
        ),
        ('points = ["shoulder", "hip", "knee"]', 'points = ["shoulder", "hip"]', "measures.hip", "takes 3 points"),
        ("target_s = 12.0", "target_s = -1", "hold.target_s", "greater than 0"),
        ('posture = ["supine"]', 'posture = ["upside_down"]', "setup.posture.0", "Input should be"),
        ('name = "Bridges"\n', "", "name", "Field required"),
        ("max = 0.2\n", "max = 0.2\nmin = 0.9\n", "checks.1", "min (0.9) must be below max (0.2)"),
        (
            "relative = true\nmax = 0.2",
            'relative = true\nof = "speed"\nmax = 0.2',
            "checks.1",
            "relative = true compares a value with its own rest value",
        ),
        (
            "[hold]",
            "[rep.without_start]\nbounds = { hips = { max = 1.0 } }\n\n[hold]",
            "(top level)",
            "rep.without_start.bounds.hips is not defined",
        ),
        ("[hold]", "[rep.without_start]\nbounds = {}\n\n[hold]", "rep.without_start.bounds", "at least 1 item"),
        (
            "[hold]",
            '[rep.without_start]\nbounds = { hip = { max = 1.0 } }\nside = "far"\n\n[hold]',
            "rep.without_start.side",
            "Input should be 'any' or 'near'",
        ),
        (
            "[hold]",
            "[rep.without_start]\nbounds = { hip = { max = 1.0 } }\nstay = { hipp = { max = 2.0 } }\n\n[hold]",
            "(top level)",
            "rep.without_start.stay.hipp is not defined",
        ),
        (
            "[hold]",
            '[rep.without_start]\nbounds = { hip = { max = 1.0 } }\nside = "near"\n\n[hold]',
            "(top level)",
            "side = 'near' names a working side: it needs sides = 'each'",
        ),
        (
            "[rep]",
            '[measures.thigh]\nkind = "inclination"\npoints = ["hip", "knee"]\nspace = "world"\n\n[rep]',
            "measures.thigh",
            "space 'world' applies to angle, distance, height, lateral measures, not inclination",
        ),
        (
            "[rep]",
            '[measures.feet]\nkind = "distance"\npoints = ["hip", "heel"]\nper = ["shoulder", "hip"]\nspace = "fused"\n\n[rep]',
            "measures.feet",
            "space 'fused' applies to angle and height measures only",
        ),
        (
            'points = ["shoulder", "hip", "knee"]',
            'points = ["shoulder", "hip", "knee"]\nspace = "3d"',
            "measures.hip.space",
            "Input should be 'image', 'world' or 'fused'",
        ),
        (
            "min = 160.0",
            "min = 230.0",
            "(top level)",
            "checks[0].min (230) is outside what the angle measure 'hip' can take (0 to 225)",
        ),
        (
            'past_straight = "up"',
            'past_straight = "down"',
            "measures.hip.past_straight",
            "Input should be 'up'",
        ),
        (
            "[rep]",
            '[measures.feet]\nkind = "distance"\npoints = ["hip", "heel"]\nper = ["shoulder", "hip"]\npast_straight = "up"\n\n[rep]',
            "measures.feet",
            "'past_straight' applies to angle measures only, not distance",
        ),
    ],
)
def test_broken_file_error_names_file_key_and_problem(tmp_path, old, new, key, problem):
    path = broken(tmp_path, old, new)
    with pytest.raises(ExerciseError) as info:
        load_exercise_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message
    assert "\n" not in message


def test_toml_syntax_error(tmp_path):
    path = broken(tmp_path, "enter = 14.0", "enter = = 14.0")
    with pytest.raises(ExerciseError, match=r"bridge.toml: not valid TOML"):
        load_exercise_file(path)


def test_id_must_match_file_name(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text(BRIDGE.read_text())
    with pytest.raises(ExerciseError, match=r"other.toml: id: 'bridge' does not match"):
        load_exercise_file(path)


def test_unknown_exercise_suggests_the_nearest_and_lists_known_ones():
    with pytest.raises(ExerciseError, match=r"unknown exercise 'bridges'; did you mean 'bridge'\? known: .*cobra"):
        load_exercise("bridges")
    with pytest.raises(ExerciseError, match=r"unknown exercise 'xyz'; known: aerobics, bridge"):
        load_exercise("xyz")


@pytest.mark.parametrize("name", ["Bridge", "BRIDGE", " bridge "])
def test_ids_in_any_case(name):
    assert load_exercise(name).id == "bridge"


@pytest.mark.parametrize("name", ["Knee-to-chest", "knee to chest", "Knee_To_Chest"])
def test_ids_with_dashes_or_spaces(name):
    assert load_exercise(name).id == "knee_to_chest"
