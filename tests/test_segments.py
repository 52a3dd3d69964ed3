"""Splitting a routine recording into its exercises (issue 13): the segmenter on made-up
window scores, then a stitched track of three rendered exercises through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.exercises.loader import load_exercise
from formcheck.recognition.evidence import Evidence, Trace
from formcheck.recognition.segments import (
    NONE,
    SegmentParams,
    best_labels,
    change_point,
    label_runs,
    steady_labels,
)
from tests.test_cli import cli
from tests.truth_tracks import SAMPLES, stitched, truth_track

PARAMS = SegmentParams(window_s=10.0, step_s=1.0, switch_after=3, min_s=8.0)


def scores_of(labels: list[int], n: int = 3, high: float = 0.8, low: float = 0.1) -> np.ndarray:
    """Window scores (windows x n exercises) in which ``labels`` win (NONE: all low)."""
    scores = np.full((len(labels), n), low)
    for k, label in enumerate(labels):
        if label != NONE:
            scores[k, label] = high
    return scores


def test_a_window_below_the_threshold_shows_no_exercise():
    scores = np.array([[0.2, 0.25], [0.2, 0.5], [0.6, 0.3]])
    assert best_labels(scores, 0.3).tolist() == [NONE, 1, 0]


def test_a_blip_shorter_than_switch_after_keeps_the_label_before_it():
    labels = np.array([0] * 6 + [1, 1] + [0] * 6 + [2] * 3)
    assert steady_labels(labels, 3).tolist() == [0] * 14 + [2] * 3
    assert steady_labels(np.array([1, 0, 0, 0]), 3).tolist() == [0, 0, 0, 0]  # a first blip takes the next


def test_two_exercises_split_halfway_between_their_windows():
    labels = [0] * 20 + [1] * 20
    starts = np.arange(40.0)
    runs = label_runs(starts, scores_of(labels), 0.3, PARAMS)
    assert [(r.label, r.start_s, r.end_s) for r in runs] == [(0, 0.0, 24.5), (1, 24.5, 49.0)]


def test_set_up_and_short_runs_belong_to_no_segment():
    """No exercise, 5 windows of one (too short for min_s once the blip rule holds), then a long one."""
    labels = [NONE] * 10 + [0] * 5 + [NONE] * 10 + [2] * 15
    runs = label_runs(np.arange(40.0), scores_of(labels), 0.3, PARAMS)
    assert [(r.label, r.start_s, r.end_s) for r in runs] == [(0, 10.0, 24.0), (2, 25.0, 49.0)]
    short = label_runs(np.arange(40.0), scores_of(labels), 0.3, SegmentParams(min_s=15.0))
    assert [r.label for r in short] == [2]


def test_one_exercise_throughout_is_one_run_and_nothing_is_none():
    assert [r.label for r in label_runs(np.arange(30.0), scores_of([1] * 30), 0.3, PARAMS)] == [1]
    assert label_runs(np.arange(30.0), scores_of([NONE] * 30), 0.3, PARAMS) == []
    assert label_runs(np.zeros(0), np.zeros((0, 3)), 0.3, PARAMS) == []


def _trace(exercise: str, posture: list[int], in_position: list[int]) -> Trace:
    """A trace with these per-frame start-posture and in-position flags (the position in
    a posture of the position whenever it is in position)."""
    trace = Trace(load_exercise(exercise))
    for posed, inside in zip(posture, in_position, strict=True):
        for column, value in (
            (trace.posture_ok, posed),
            (trace.in_position, inside),
            (trace.position_posture_ok, inside),
        ):
            column.append(bool(value))
    return trace


def test_the_boundary_is_where_the_posture_changes_and_a_shared_stretch_decides_nothing():
    """Frames 0-9 in the first exercise's posture (reps at 3-5), 10-13 in both postures
    (a rest alike to both), 14-19 in the second's: the boundary is in the middle of the
    shared stretch, wherever the windows put it."""
    first = _trace("bridge", [1] * 14 + [0] * 6, [0, 0, 0, 1, 1, 1] + [0] * 14)
    second = _trace("cobra", [0] * 10 + [1] * 10, [0] * 16 + [1, 1, 0, 0])
    evidence = Evidence(np.arange(20.0), np.ones(20, bool), [first, second])
    assert change_point(evidence, first.exercise, second.exercise, 0, 20) == 12
    assert change_point(evidence, first.exercise, second.exercise, 5, 20) == 12
    alike = _trace("cobra", [1] * 20, [0] * 20)  # one posture throughout: only activity decides
    evidence = Evidence(np.arange(20.0), np.ones(20, bool), [first, alike])
    assert 6 <= change_point(evidence, first.exercise, alike.exercise, 0, 20) <= 14


ROUTINE = ("knee_to_chest", "cat_stretch", "neck_stretch")


def _stitched(folder: Path) -> tuple[Path, list[Path], list[float]]:
    """The rendered samples' true landmarks one after another in one track, each part's
    own track (its stretch of the same times) and where each part starts and ends."""
    whole, parts, cuts = stitched([truth_track(SAMPLES / f"{name}.json") for name in ROUTINE])
    paths = [folder / f"{name}.npz" for name in ROUTINE]
    for part, path in zip(parts, paths, strict=True):
        part.save(path)
    whole.save(folder / "routine.npz")
    return folder / "routine.npz", paths, cuts


@pytest.mark.slow
def test_a_routine_of_three_exercises_gives_three_segments_counted_as_with_e(tmp_path: Path, history_db: Path):
    whole, parts, cuts = _stitched(tmp_path)
    report, html = tmp_path / "routine.json", tmp_path / "routine.html"
    code, out, _ = cli(
        "analyze", str(whole), "--report", str(report), "--html", str(html), "--history", str(history_db)
    )
    assert code == 0, out
    data = json.loads(report.read_text())
    assert data["exercise"] is None and "recognition" not in data
    segments = data["segments"]
    assert [s["exercise"] for s in segments] == list(ROUTINE)
    for i, segment in enumerate(segments):
        assert abs(segment["start_s"] - cuts[i]) <= 2.0 and abs(segment["end_s"] - cuts[i + 1]) <= 2.0, segment
        asked = tmp_path / f"asked_{i}.json"
        assert cli("analyze", str(parts[i]), "-e", ROUTINE[i], "--report", str(asked))[0] == 0
        alone = json.loads(asked.read_text())
        assert segment["report"]["rep_count"] == alone["rep_count"]
        assert len(segment["report"]["holds"]) == len(alone["holds"])
    assert sum(s["report"]["rep_count"] + len(s["report"]["holds"]) for s in segments) > 0
    assert out.count("Segment ") == 3 and "recorded in history" in out
    page = html.read_text()
    assert page.count('class="timeline"') == 1 and all(s["report"]["exercise_name"] in page for s in segments)
    code, listed, _ = cli("history", "--history", str(history_db))
    assert code == 0 and all(name in listed for name in ROUTINE), listed


@pytest.mark.slow
def test_boundaries_follow_the_change_of_posture_where_the_windows_lag():
    """Bridge, cobra, child's pose: a 10 s window still shows the cobra's reps seconds
    into the child's pose (its posture, folded, reads as prone too), so the windows'
    label changes late; the boundary is placed where the posture changes, at each cut."""
    from formcheck.offline.recognised import candidates
    from formcheck.recognition import collect_evidence
    from formcheck.recognition.segments import find_segments

    names = ("bridge", "cobra", "childs_pose")
    whole, _, cuts = stitched([truth_track(SAMPLES / f"{name}.json") for name in names])
    spans = find_segments(collect_evidence(whole.frames(), candidates()))
    assert [s.exercise.id for s in spans] == list(names)
    for i, span in enumerate(spans):
        assert abs(span.start_s - cuts[i]) <= 1.0 and abs(span.end_s - cuts[i + 1]) <= 1.0, (span, cuts)
