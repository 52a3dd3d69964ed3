"""Counting quality on the real, hand-labelled clips (skipped when ../shared/clips is absent).

The clips may not be committed; they live beside the repository on development and CI
machines. Like a tracker's stored MOT score, the quality reached so far is stored here
and the test fails if it drops: exact rep counts, correct sides, labelled holds found
within 1 s, and no reps at all on clips labelled with none.
"""

from __future__ import annotations

import pytest

from tests.shared_clips import CLIPS, REAL_CLIP_MARKS

pytestmark = REAL_CLIP_MARKS

#: The bar, as reached on 2026-12-02 (benchmarks/accuracy.py prints the same numbers, for
#: the tuning and the checking half apart). The misses: the neck-roll clip (continuous
#: head circles, labelled with low confidence as 3 cycles, where formcheck counts
#: chin-to-chest flexions), a cat-cow reel that starts in the cow (as both exercises),
#: a bridge filmed from the feet (3 for 2 until 2026-12-04, when its 3D landmarks' flips
#: past the limit of a hip read past straight became unmeasured: 2 of 2 here, kept out
#: of the bar until a CI run shows it), a neck stretch filmed in two shots and an oblique
#: cobra (the last two are in the checking half).
MIN_EXACT_REPS = 16  # 17 since 2026-12-04 (the bridge from the feet, below), not yet seen in CI
MIN_LONG_HOLDS_FOUND = 15  # labelled holds of 1 s or more, of 18
MIN_LONG_HOLDS_WITHIN_1S = 12
MIN_CLEAN_EXACT = 9  # clean clips of bridges, child's pose and knee to chest, of 10 (10 since 2026-12-04)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from accuracy import evaluate_clip, expectations, read_labels

    cache = tmp_path_factory.mktemp("tracks")  # each clip goes through the pose model once
    return [evaluate_clip(row, exp, CLIPS, cache) for row in read_labels(CLIPS) for exp in expectations(row)]


def test_rep_counts(results):
    exact = [r.file for r in results if r.pred_reps == r.gt_reps]
    assert len(exact) >= MIN_EXACT_REPS, [(r.file, r.exercise, r.gt_reps, r.pred_reps) for r in results]
    assert all(abs(r.pred_reps - r.gt_reps) <= 2 for r in results)


def test_no_phantom_reps_on_clips_without_any(results):
    assert [r.file for r in results if r.gt_reps == 0 and r.pred_reps != 0] == []


def test_sides(results):
    assert [r.file for r in results if r.gt_sides and r.pred_sides != r.gt_sides] == []


def test_holds(results):
    from accuracy import Scores

    scores = Scores.of(results)
    errors = [(r.file, r.long_holds_found()) for r in results]
    assert scores.holds_found >= MIN_LONG_HOLDS_FOUND, errors
    assert scores.holds_within >= MIN_LONG_HOLDS_WITHIN_1S, errors


def test_clean_clips_of_bridges_childs_pose_and_knee_to_chest(results):
    from accuracy import Scores

    scores = Scores.of(results)  # 9 of 10 on 2026-12-02: the miss is the bridge filmed from the feet
    assert scores.clean_n >= 10 and scores.clean_exact >= MIN_CLEAN_EXACT


def test_one_person_on_screen_is_never_taken_for_two(results):
    assert [r.file for r in results if "setup.one_person" in r.faults] == []
