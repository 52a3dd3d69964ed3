"""Counting on the real, hand-labelled clips (skipped when ../shared/clips is absent).

These clips may not be committed; they live beside the repository on development and
CI machines. The stored quality bar: every supported clip's rep count exact, sides
exact, labelled holds found within 1 s.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIPS = ROOT.parent / "shared" / "clips"
sys.path.insert(0, str(ROOT / "benchmarks"))

pytestmark = pytest.mark.skipif(not (CLIPS / "labels.csv").exists(), reason="../shared/clips not present")


def supported_rows():
    if not (CLIPS / "labels.csv").exists():
        return []
    from accuracy import LABEL_TO_EXERCISE, read_labels

    from formcheck.exercise import exercise_ids

    ids = set(exercise_ids())
    return [r for r in read_labels(CLIPS) if LABEL_TO_EXERCISE.get(r["exercise_label"], r["exercise_label"]) in ids]


@pytest.mark.parametrize("row", supported_rows(), ids=lambda r: r["file"])
def test_clip_counts_match_labels(row):
    from accuracy import evaluate_clip

    result = evaluate_clip(row, CLIPS, None)
    assert result is not None
    assert result.pred_reps == result.gt_reps
    if result.gt_sides:
        assert result.pred_sides == result.gt_sides
    for error in result.hold_errors():
        assert error is not None and abs(error) <= 1.0
