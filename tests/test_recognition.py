"""Recognising the exercise (issue 13), on tracks of rendered clips' true landmarks: no
pose model, no dev clips."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from formcheck.core.errors import ExerciseError
from formcheck.exercises.loader import exercise_file, load_all, load_exercise, parse_exercise
from formcheck.offline.analyze import AnalysisOptions, analyze
from formcheck.offline.recognised import Watch, both, candidates, mismatch_note, recognise_track
from formcheck.pose import BACKENDS, create_estimator
from formcheck.recognition import ScoreParams
from formcheck.sources.track import Track
from formcheck.sources.video import VideoFile
from tests.fakes import TrackEstimator, two_bridges
from tests.test_cli import cli
from tests.test_stride import clip_for
from tests.truth_tracks import SAMPLES, stitched, track_of_truth, truth_track

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


#: Views either side of each sample's own (degrees of azimuth), within the file's camera
#: advice. Knee to chest is advised side-on or turned up to 15-20 degrees towards the
#: feet (its sample: 15), so its other views are side-on and 10.
OTHER_VIEWS = {"knee_to_chest": (-15.0, -5.0)}
DEFAULT_VIEWS = (-20.0, 20.0)


@pytest.mark.slow
@pytest.mark.parametrize("exercise", RECOGNISABLE)
def test_every_seed_exercise_is_recognised_from_other_views(exercise):
    """The renderer's true landmarks from two more views, without drawing a picture.
    (Outside the advice it can fail: from 20 degrees on, a knee hug scores as high for
    the rotational stretch as for knee to chest: README, "Recognising the exercise".)"""
    from tools.render.clip import ClipSpec, ground_truth
    from tools.render.make_samples import SETTINGS
    from tools.render.motions import EXERCISES

    reps, hold = SETTINGS[exercise]
    for turn in OTHER_VIEWS.get(exercise, DEFAULT_VIEWS):
        azimuth = EXERCISES[exercise].azimuth_deg + turn
        spec = ClipSpec(exercise=exercise, reps=reps, hold_s=hold, azimuth_deg=azimuth, include_3d=False)
        verdict = recognise_track(track_of_truth(ground_truth(spec), f"{exercise} at {azimuth:g} deg"))
        assert verdict.exercise is not None and verdict.exercise.id == exercise, (azimuth, verdict.scores[:3])


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


def test_the_in_position_postures_are_validated():
    text = exercise_file("cobra").read_text()
    with pytest.raises(ExerciseError, match="in_position"):
        parse_exercise(text.replace('in_position = ["kneeling"]', 'in_position = ["crouching"]'), "x.toml")


@pytest.mark.slow
def test_the_position_must_be_held_in_the_files_own_postures():
    """Folded forward, the rendered child's pose reads as prone: its file declares that
    posture for the position. Without the declaration the same rules find the same
    position but not in a posture of the exercise, and the render is not recognised."""
    text = exercise_file("childs_pose").read_text()
    start = text.index("[recognition]")
    undeclared = parse_exercise(text[:start].replace('id = "childs_pose"', 'id = "my_childs_pose"', 1), "x.toml")
    assert undeclared.recognition.in_position == []
    verdict = recognise_track(truth_track(SAMPLES / "childs_pose.json"), asked=undeclared)
    scores = {ex.id: s for ex, s in verdict.scores}
    assert verdict.exercise is not None and verdict.exercise.id == "childs_pose"
    assert scores["my_childs_pose"] < ScoreParams().none_below


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


class _Counted(TrackEstimator):
    """The track's poses, counting the frames the pose model is asked about."""

    calls = 0

    def estimate(self, image_rgb, index, timestamp_s):
        _Counted.calls += 1
        return super().estimate(image_rgb, index, timestamp_s)


@pytest.fixture
def counted(monkeypatch, tmp_path: Path):
    """A video of two bridges, the ``track`` backend answering with its poses, and a
    count of the frames the model saw and of the times a video was opened."""
    track_path = tmp_path / "two.npz"
    video = clip_for(two_bridges(track_path, rest_s=2.0), tmp_path / "two.mp4")
    monkeypatch.setitem(BACKENDS, "track", lambda model, _conf: _Counted(Track.load(model)))
    opened = []
    real_init = VideoFile.__init__

    def opening(self, path, *args, **kwargs):
        opened.append(path)
        real_init(self, path, *args, **kwargs)

    monkeypatch.setattr(VideoFile, "__init__", opening)
    _Counted.calls = 0
    return video, track_path, opened


def _analyze(video: Path, track_path: Path, *args: str) -> dict:
    report = video.with_name(f"report{len(list(video.parent.glob('report*')))}.json")
    code, _, err = cli(
        "analyze", str(video), "--backend", "track", "--model", str(track_path), "--report", str(report), *args
    )
    assert code == 0, err
    return json.loads(report.read_text())


def test_with_e_the_cli_runs_the_pose_model_once_strided_and_decodes_once(counted, tmp_path: Path):
    """The regression after recognition landed: 'analyze -e X --stride --out' ran a
    separate pose pass on every frame, then decoded the video again to draw it."""
    video, track_path, opened = counted
    frames = len(Track.load(track_path).t)
    strided = _analyze(video, track_path, "-e", "bridge", "--stride", "--out", str(tmp_path / "out.mp4"))
    assert 0 < _Counted.calls < frames * 0.8  # the stride skipped frames
    assert len(opened) == 1 and (tmp_path / "out.mp4").exists()
    _Counted.calls, opened[:] = 0, []
    every = _analyze(video, track_path, "-e", "bridge")
    assert _Counted.calls == frames and len(opened) == 1
    assert strided["rep_count"] == every["rep_count"] == 2
    assert not any("look like" in note for note in every["notes"])


def test_without_e_one_strided_pose_pass_recognises_and_counts(counted):
    video, track_path, _ = counted
    frames = len(Track.load(track_path).t)
    auto = _analyze(video, track_path, "--stride")
    assert 0 < _Counted.calls < frames * 0.8
    assert auto.pop("recognition")["exercise"] == "bridge"
    _Counted.calls = 0
    asked = _analyze(video, track_path, "-e", "bridge", "--stride")
    assert _Counted.calls < frames * 0.8
    assert auto["rep_count"] == asked["rep_count"] == 2 and auto["reps"] == asked["reps"]


def test_the_overlay_says_the_mismatch_once_the_video_so_far_shows_it(tracks):
    """'-e cobra' on bridges: the note comes on the overlay from the check after the
    first bridges are counted, and the report has it."""
    notices: list[tuple[float, str]] = []
    watch = Watch(load_exercise("cobra"))  # ended by finish below

    def seen(state):
        notices.append((state.t, watch.notice()))

    session = analyze(
        tracks["bridge"],
        load_exercise("cobra"),
        create_estimator,
        AnalysisOptions(notice=watch.notice),
        both(watch, seen),
    )
    verdict = watch.finish()  # the rules run behind the analysis: their note may come a few frames late
    said = [t for t, note in notices if note == "This looks like Bridges, not Cobra"]
    assert said and said[0] > 0 and watch.notice() == "This looks like Bridges, not Cobra"
    assert session.counts.total == 0
    assert mismatch_note(verdict, load_exercise("cobra")) == "This looks like Bridges, not Cobra"


def test_a_pose_filmed_already_held_is_recognised_without_its_start_posture():
    """The rendered child's pose cut to its two holds (7.5 s folded forward; the kneeling
    start posture never seen): in the position, in a posture the file declares for it,
    the whole time, which counts as the body in the exercise's postures."""
    track = truth_track(SAMPLES / "childs_pose.json")
    holds = [(3.4, 7.0), (12.0, 15.9)]  # inside the render's holds (3.3-7.0 s, 11.9-15.9 s)

    def cut(start: float, end: float) -> Track:
        kept = (track.t >= start) & (track.t <= end)
        return replace(track, t=track.t[kept], xy=track.xy[kept], z=track.z[kept], visibility=track.visibility[kept])

    folded, _, _ = stitched([cut(*hold) for hold in holds])
    verdict = recognise_track(folded)
    assert verdict.exercise is not None and verdict.exercise.id == "childs_pose", verdict.scores[:3]
