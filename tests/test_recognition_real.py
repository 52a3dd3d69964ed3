"""Recognition on the real, labelled clips (skipped when ../shared/clips is absent).

The bar stored here is what ``benchmarks/recognition.py`` printed on 2026-12-03; the test
fails if fewer seed clips are named right, or if a clip recognised right counts other
reps than ``-e`` does.
"""

from __future__ import annotations

from tests.shared_clips import CLIPS, REAL_CLIP_MARKS

pytestmark = REAL_CLIP_MARKS

MIN_SEED_NAMED_RIGHT = 18  # of the 20 labelled clips of seed exercises (tuning 15 of 16, checking 3 of 4)


def test_seed_clips_are_recognised_and_counted_as_with_e(tmp_path_factory):
    from accuracy import landmark_source, read_labels
    from recognition import NONE, truths

    from formcheck.exercises.loader import load_exercise
    from formcheck.offline.analyze import AnalysisOptions, analyze
    from formcheck.offline.recognised import analyze_recognised
    from formcheck.pose import create_estimator

    cache = tmp_path_factory.mktemp("tracks")
    right, missed = 0, []
    for row in read_labels(CLIPS):
        accepted = truths(row["exercise_label"])
        if accepted == {NONE}:
            continue
        path = landmark_source(CLIPS / row["file"], cache)
        auto = analyze_recognised(path, None, create_estimator, AnalysisOptions())
        named = auto.report.exercise
        if named not in accepted:
            missed.append((row["file"], named))
            continue
        right += 1
        assert auto.session is not None
        assert auto.session.counts == analyze(path, load_exercise(named), create_estimator).counts
    assert right >= MIN_SEED_NAMED_RIGHT, missed
