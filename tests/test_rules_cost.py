"""What makes the rules cheaper per frame changes no value: the recognition watch reusing
the analysis's own states of the asked exercise, and the measures' faster arithmetic,
bit for bit against what it replaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.engine.evaluator import EngineParams, ExerciseEvaluator
from formcheck.engine.pipeline import Pipeline
from formcheck.exercises.loader import load_exercise
from formcheck.measures.measure_set import CompiledMeasure
from formcheck.offline.analyze import AnalysisOptions, FoundPoses, analyze
from formcheck.offline.recognised import Watch, candidates
from formcheck.pose import create_estimator
from formcheck.recognition import EvidenceCollector
from formcheck.sources.track import Track
from tests.synthetic import bridge_track, schedule
from tests.truth_tracks import SAMPLES, truth_track


def _bridges() -> Track:
    up_down = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    t, lift = schedule(30.0, up_down * 3 + [(1.5, 0.0, 0.0)])
    return bridge_track(lift, t, jitter=0.8)


def _states(track: Track, exercise_id: str, params: EngineParams | None = None) -> list:
    pipeline = Pipeline(load_exercise(exercise_id), FoundPoses.of_track(Path("t.npz"), track).info, params=params)
    return [pipeline.step(pose) for pose in track.frames()]


def _collected(collector: EvidenceCollector) -> tuple:
    evidence = collector.finish()
    return (
        evidence.t.tolist(),
        evidence.seen.tolist(),
        [{k: v.tolist() for k, v in trace.arrays().items()} for trace in evidence.traces],
        [trace.rep_times for trace in evidence.traces],
    )


def _track(name: str) -> Track:
    return _bridges() if name == "synthetic" else truth_track(SAMPLES / f"{name}.json")


@pytest.mark.parametrize(
    ("name", "exercise_id", "shown"),
    [
        ("synthetic", "bridge", "bridge"),
        ("bridge", "cobra", "bridge"),
        ("cobra", "cobra", "cobra"),
        ("knee_to_chest", "bridge", "knee_to_chest"),
    ],
)
def test_the_watch_given_the_analysis_states_collects_what_it_collects_alone(name, exercise_id, shown):
    track = _track(name)
    asked = load_exercise(exercise_id)
    states = _states(track, exercise_id)
    exercises = candidates(asked)
    mine = next(e for e in exercises if e.id == exercise_id)
    alone, given = EvidenceCollector(exercises), EvidenceCollector(exercises, given=mine)
    for state in states:
        alone.update(state.frame)
        given.update(state.frame, state)
    assert given.evaluators.count(None) == 1 and alone.evaluators.count(None) == 0
    assert _collected(given) == _collected(alone)
    # ...and the comparison sees a difference: the states of the exercise shown (or of
    # another one, when it is the one asked) are other evidence.
    other = ExerciseEvaluator(load_exercise(shown if shown != exercise_id else "childs_pose"))
    wrong = EvidenceCollector(exercises, given=mine)
    for state in states:
        wrong.update(state.frame, other.update(state.frame))
    assert _collected(wrong) != _collected(alone)


def test_the_watch_is_given_this_frame_s_state_or_refuses():
    track = _bridges()
    states = _states(track, "bridge")
    exercises = candidates(load_exercise("bridge"))
    collector = EvidenceCollector(exercises, given=next(e for e in exercises if e.id == "bridge"))
    with pytest.raises(ValueError, match="state of this frame"):
        collector.update(states[0].frame)
    with pytest.raises(ValueError, match="state of this frame"):
        collector.update(states[0].frame, states[1])
    with pytest.raises(ValueError, match="not one of the exercises"):
        EvidenceCollector(exercises[:2], given=load_exercise("cobra"))


def test_an_analysis_with_the_shared_watch_gives_the_same_verdict_and_report(tmp_path):
    """Through ``analyze`` on a track, as ``formcheck analyze -e`` runs it: the shared
    watch is used only with the default rules' parameters, and gives what the watch
    running every exercise itself gives."""
    path = tmp_path / "bridge.npz"
    truth_track(SAMPLES / "bridge.json").save(path)
    verdicts = []
    for shared in (True, False):
        with Watch(load_exercise("cobra"), shared=shared) as watch:
            session = analyze(path, load_exercise("cobra"), create_estimator, AnalysisOptions(), watch)
            verdict = watch.finish()
        assert (watch.collector.evaluators.count(None) == 1) is shared
        verdicts.append(([(ex.id, s) for ex, s in verdict.scores], session.counts, len(session.events)))
    assert verdicts[0] == verdicts[1]
    assert verdicts[0][0][0][0] == "bridge"  # the rendered bridge does look like a bridge


def test_an_exercise_file_named_like_a_bundled_one_is_not_taken_for_it(tmp_path):
    """A changed bridge.toml given by path: the watch runs the bundled bridge's rules,
    so the analysis's states of the changed one are not its evidence."""
    changed = load_exercise("bridge").model_copy(update={"name": "My bridge"})
    watch = Watch(changed)
    try:
        assert watch.collector.evaluators.count(None) == 0
    finally:
        watch.finish()


def _old_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    u, v = a - b, c - b
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if not (nu > 0 and nv > 0):
        return float("nan")
    cos = float(np.dot(u, v) / (nu * nv))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def test_the_faster_angle_and_group_means_are_numpy_s_bit_for_bit():
    from formcheck.core.geometry import angle_deg

    rng = np.random.default_rng(7)
    for dims in (2, 3):
        points = rng.normal(0, 300, (3000, 3, dims))
        points[::50, 1] = points[::50, 0]  # zero-length arms
        points[::70, 2, 0] = np.nan
        points[::90, 2] = points[::90, 1] + (points[::90, 0] - points[::90, 1]) * 2.0  # straight: cos = 1
        for a, b, c in points:
            new, old = angle_deg(a, b, c), _old_angle(a, b, c)
            assert new == old or (np.isnan(new) and np.isnan(old))
    coords = rng.normal(0, 300, (33, 3))
    for group in [(11, 12), (23, 24, 25), (0, 7, 8, 11), (5,)]:
        (mean,) = CompiledMeasure._points(coords, (group[0] if len(group) == 1 else np.array(group),))
        assert np.array_equal(mean, coords[list(group)].mean(axis=0) if len(group) > 1 else coords[group[0]])
