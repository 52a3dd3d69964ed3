"""Recognising the exercise (issue 13), on tracks of rendered clips' true landmarks: no
pose model, no dev clips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.core.errors import ExerciseError
from formcheck.exercises.loader import exercise_file, load_all, load_exercise, parse_exercise
from formcheck.offline.recognised import candidates, mismatch_note, recognise_track
from tests.test_cli import cli
from tests.truth_tracks import SAMPLES, truth_track

RECOGNISABLE = [ex.id for ex in load_all() if ex.recognition.auto]


@pytest.fixture(scope="module")
def verdicts():
    """Every rendered sample recognised (about 8 s each: 12 exercises' rules on 700 frames)."""
    return {p.stem: recognise_track(truth_track(p)) for p in sorted(SAMPLES.glob("*.json"))}


@pytest.mark.slow
@pytest.mark.parametrize("exercise", RECOGNISABLE)
def test_every_seed_exercise_is_recognised_from_its_render(verdicts, exercise):
    verdict = verdicts[exercise]
    assert verdict.exercise is not None and verdict.exercise.id == exercise, verdict.scores[:3]
    assert verdict.confidence >= 0.5


@pytest.mark.slow
def test_an_activity_that_any_movement_satisfies_is_never_recognised(verdicts):
    """aerobics.toml says ``[recognition] auto = false``: the render of marching on the
    spot is no seed exercise, and aerobics is not among the candidates."""
    assert not load_exercise("aerobics").recognition.auto
    verdict = verdicts["aerobics"]
    assert verdict.exercise is None
    assert "aerobics" not in {ex.id for ex, _ in verdict.scores}


@pytest.mark.slow
def test_the_wrong_exercise_gets_a_note_the_right_one_none(verdicts):
    bridge = verdicts["bridge"]
    assert mismatch_note(bridge, load_exercise("cobra")) == "This looks like Bridges, not Cobra"
    assert mismatch_note(bridge, load_exercise("bridge")) is None
    assert mismatch_note(verdicts["aerobics"], load_exercise("cobra")) == "This does not look like Cobra"


def test_the_recognition_table_is_validated():
    text = exercise_file("bridge").read_text()
    for bad in ('auto = "yes"', "auto = 1", "guess = true"):
        with pytest.raises(ExerciseError, match="recognition"):
            parse_exercise(text + f"\n[recognition]\n{bad}\n", "x.toml")


def test_a_new_exercise_file_is_a_candidate_with_no_code_change(tmp_path: Path):
    """An exercise file given by path joins the candidates, scored by its own rules."""
    text = exercise_file("bridge").read_text().replace('id = "bridge"', 'id = "my_bridge"', 1)
    mine = parse_exercise(text.replace('name = "Bridges"', 'name = "My bridges"', 1), "my_bridge.toml")
    assert mine.id in {ex.id for ex in candidates(mine)}
    verdict = recognise_track(truth_track(SAMPLES / "bridge.json"), asked=mine)
    scores = {ex.id: s for ex, s in verdict.scores}
    assert scores["my_bridge"] == pytest.approx(scores["bridge"]) and scores["bridge"] > 0.9


@pytest.fixture(scope="module")
def tracks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("truth")
    paths = {}
    for name in ("bridge", "aerobics"):
        paths[name] = folder / f"{name}.npz"
        truth_track(SAMPLES / f"{name}.json").save(paths[name])
    return paths


def test_analyze_without_exercise_recognises_and_counts_as_with_it(tracks, tmp_path: Path):
    auto, asked = tmp_path / "auto.json", tmp_path / "asked.json"
    code, out, _ = cli("analyze", str(tracks["bridge"]), "--report", str(auto))
    assert code == 0
    assert out.splitlines()[1].startswith("Recognised: Bridges (confidence ")
    assert cli("analyze", str(tracks["bridge"]), "-e", "auto", "--report", str(tmp_path / "same.json"))[0] == 0
    assert cli("analyze", str(tracks["bridge"]), "-e", "bridge", "--report", str(asked))[0] == 0
    auto_report, asked_report = json.loads(auto.read_text()), json.loads(asked.read_text())
    found = auto_report.pop("recognition")
    assert found["exercise"] == "bridge" and 0.5 <= found["confidence"] <= 1.0
    assert found["alternatives"][0]["exercise"] == "bridge"
    assert [a["score"] for a in found["alternatives"]] == sorted(
        (a["score"] for a in found["alternatives"]), reverse=True
    )
    spelled_out = json.loads((tmp_path / "same.json").read_text())
    assert spelled_out.pop("recognition") == found
    assert auto_report == asked_report == spelled_out  # the same counts, from the same poses
    assert asked_report["rep_count"] == len(json.loads((SAMPLES / "bridge.json").read_text())["reps"])


def test_analyze_with_the_wrong_exercise_says_so_and_still_counts(tracks, tmp_path: Path):
    report = tmp_path / "cobra.json"
    code, out, _ = cli("analyze", str(tracks["bridge"]), "-e", "cobra", "--report", str(report))
    assert code == 0 and "note: This looks like Bridges, not Cobra" in out
    data = json.loads(report.read_text())
    assert data["exercise"] == "cobra" and "This looks like Bridges, not Cobra" in data["notes"]


def test_nothing_recognised_is_a_report_without_exercise_or_reps(tracks, tmp_path: Path, history_db: Path):
    report = tmp_path / "none.json"
    code, out, _ = cli("analyze", str(tracks["aerobics"]), "--report", str(report), "--html", str(tmp_path / "r.html"))
    assert code == 0
    assert out.splitlines()[1].startswith("No known exercise recognised (closest: ")
    data = json.loads(report.read_text())
    assert data["exercise"] is None and data["rep_count"] == 0 and data["reps"] == []
    assert data["recognition"]["exercise"] is None
    assert not (tmp_path / "r.html").exists()  # no exercise, no per-exercise outputs
    code, again, _ = cli("report", str(report))
    assert code == 0 and "No known exercise recognised" in again
    assert not history_db.exists() or "aerobics" not in cli("history")[1]


def test_a_batch_needs_an_exercise(tracks, tmp_path: Path):
    code, _, err = cli("analyze", str(tracks["bridge"]), str(tracks["aerobics"]), "--out-dir", str(tmp_path / "o"))
    assert code == 2 and "a batch needs --exercise" in err
