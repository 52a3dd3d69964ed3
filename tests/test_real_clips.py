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


def cases():
    if not (CLIPS / "labels.csv").exists():
        return []
    from accuracy import expectations, read_labels

    return [pytest.param(row, exp, id=f"{row['file']}:{exp.exercise}") for row in read_labels(CLIPS) for exp in expectations(row)]


@pytest.mark.parametrize("row,expected", cases())
def test_clip_counts_match_labels(row, expected):
    from accuracy import evaluate_clip

    result = evaluate_clip(row, expected, CLIPS, None)
    assert result.pred_reps == result.gt_reps
    if result.gt_sides:
        assert result.pred_sides == result.gt_sides
    for error in result.hold_errors():
        assert error is not None and abs(error) <= 1.0
