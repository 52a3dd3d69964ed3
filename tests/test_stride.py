"""The adaptive stride: the pose model skips frames only while picture and body are still,
the frames between are flagged as interpolated, and counting is the same as on every frame.

The "pose model" here is a recorded track answered by frame index (``tests/fakes.py``), and
the pictures are drawn to move exactly when the track's body moves, so the stride's
decisions and the counts can be checked exactly; ``tests/test_samples.py`` runs the real
model on the samples both ways.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.core.events import EventKind
from formcheck.core.frame import PoseFrame
from formcheck.engine.counter import RepCounter, RepInput
from formcheck.engine.evaluator import FrameState
from formcheck.engine.pipeline import Pipeline
from formcheck.engine.pose_stage import PoseStage
from formcheck.engine.stride import HeldPoses, StridedPoses, StrideParams
from formcheck.exercises.loader import load_exercise
from formcheck.offline.analyze import AnalysisOptions, analyze
from formcheck.reports.report import build_report
from formcheck.reports.video_writer import open_video_writer
from formcheck.sources.track import Track
from formcheck.sources.video import SourceInfo, VideoFile, VideoFrame
from tests.fakes import FPS, TrackEstimator, textured_frame, two_bridges
from tests.synthetic import SIZE, bridge_track, schedule
from tests.test_counter import REP


def picture(base: np.ndarray, lift: float) -> np.ndarray:
    """The still background with a block that rises with the hips."""
    image = base.copy()
    y = int(300 - 150 * lift)
    cv2.rectangle(image, (250, y), (390, y + 60), (230, 230, 230), -1)
    return image


def lifts_of(track: Track) -> np.ndarray:
    hip_y = track.xy[:, 23, 1]
    return (hip_y.max() - hip_y) / max(1e-9, np.ptp(hip_y))


def clip_for(track: Track, path: Path) -> Path:
    base = textured_frame(np.random.default_rng(3))
    writer = open_video_writer(path, FPS, SIZE)
    for t, lift in zip(track.t, lifts_of(track)):
        writer.write(picture(base, float(lift)), float(t))
    writer.close()
    return path


@pytest.fixture(scope="module")
def bridges(tmp_path_factory: pytest.TempPathFactory) -> tuple[Track, Path]:
    folder = tmp_path_factory.mktemp("stride")
    track = two_bridges(folder / "two.npz", rest_s=2.0)
    return track, clip_for(track, folder / "two.mp4")


def run(track: Track, video: Path, stride: StrideParams | None) -> tuple[list[FrameState], dict]:
    states: list[FrameState] = []
    session = analyze(
        video, load_exercise("bridge"), lambda: TrackEstimator(track), AnalysisOptions(stride=stride), states.append
    )
    return states, build_report(session).to_json()


def test_counts_and_holds_are_those_of_every_frame(bridges: tuple[Track, Path]) -> None:
    every_states, every = run(*bridges, stride=None)
    strided_states, strided = run(*bridges, stride=StrideParams())
    assert every["rep_count"] == 2 and strided["rep_count"] == every["rep_count"]
    assert len(strided["holds"]) == len(every["holds"])
    for a, b in zip(strided["holds"], every["holds"]):
        assert a["duration_s"] == pytest.approx(b["duration_s"], abs=0.2)
    assert not any(s.frame.interpolated for s in every_states)
    share = sum(s.frame.interpolated for s in strided_states) / len(strided_states)
    assert share > 0.25, f"only {share:.0%} of the frames were interpolated"


def test_no_rep_starts_or_ends_on_an_interpolated_frame(bridges: tuple[Track, Path]) -> None:
    states, _ = run(*bridges, stride=StrideParams())
    rep_events = {EventKind.REP_STARTED, EventKind.REP_COMPLETED}
    on_interpolated = [e for s in states if s.frame.interpolated for e in s.events if e.kind in rep_events]
    assert on_interpolated == []
    assert sum(e.kind is EventKind.REP_COMPLETED for s in states for e in s.events) == 2


def frames_of(video: Path) -> list[VideoFrame]:
    with VideoFile(video) as source:
        return list(source.frames())


def strided(track: Track, frames: list[VideoFrame]) -> tuple[StridedPoses, list[PoseFrame]]:
    """The stride over ``frames``, whose poses come from ``track``, and its poses."""
    stage = PoseStage(TrackEstimator(track))
    stride = StridedPoses(stage)
    return stride, [pose for pose, _ in stride(map(stage.look, frames))]


def test_the_frame_that_shows_motion_goes_to_the_model(bridges: tuple[Track, Path]) -> None:
    track, video = bridges
    stride, poses = strided(track, frames_of(video))
    assert [p.index for p in poses] == list(range(len(track.t)))
    gaps = np.diff([p.index for p in poses if not p.interpolated])
    assert gaps.max() <= StrideParams().max_stride and not poses[-1].interpolated
    moving = np.flatnonzero(np.abs(np.diff(lifts_of(track))) > 1e-6) + 1
    interpolated_while_moving = [i for i in moving if poses[i].interpolated]
    assert interpolated_while_moving == [], "frames whose picture changed were interpolated"
    assert stride.modelled + stride.interpolated == len(poses) and stride.interpolated > len(poses) // 4


def test_interpolated_landmarks_lie_between_the_model_frames(bridges: tuple[Track, Path]) -> None:
    track, video = bridges
    _, poses = strided(track, frames_of(video))
    for i, pose in enumerate(poses):
        if pose.interpolated:
            before = next(p for p in reversed(poses[:i]) if not p.interpolated)
            after = next(p for p in poses[i:] if not p.interpolated)
            low, high = np.minimum(before.xy, after.xy), np.maximum(before.xy, after.xy)
            assert ((pose.xy >= low - 1e-9) & (pose.xy <= high + 1e-9)).all()


def feed(counter: RepCounter, values: list[tuple[float, bool]], t0: float = 0.0) -> list:
    events = []
    for i, (value, measured) in enumerate(values):
        events += counter.update(RepInput(t0 + i / FPS, value, True, True, measured=measured))
    return events


def test_a_crossing_seen_only_on_interpolated_frames_starts_no_rep() -> None:
    counter = RepCounter(REP, None, None)
    feed(counter, [(130.0, True)] * 30)  # at rest long enough to arm
    assert counter.armed
    # past the enter threshold for longer than min_in_s, but only between model frames
    events = feed(counter, [(170.0, False)] * 12 + [(130.0, True)], t0=1.0)
    assert not counter.in_position and not [e for e in events if e.kind is EventKind.REP_STARTED]


def test_a_measured_frame_that_agrees_starts_the_rep_from_the_crossing() -> None:
    counter = RepCounter(REP, None, None)
    feed(counter, [(130.0, True)] * 30)
    events = feed(counter, [(170.0, False)] * 12 + [(170.0, True)], t0=1.0)
    started = [e for e in events if e.kind is EventKind.REP_STARTED]
    assert len(started) == 1 and started[0].t == pytest.approx(1.0 + 12 / FPS)
    assert started[0].data["start_s"] == pytest.approx(1.0)
    # and the way out: interpolated frames alone do not end it
    events = feed(counter, [(130.0, False)] * 12, t0=2.0)
    assert counter.in_position and not [e for e in events if e.kind is EventKind.REP_COMPLETED]
    events = feed(counter, [(130.0, True)], t0=3.0)
    assert not counter.in_position


def test_a_slow_movement_hidden_in_the_jitter_goes_to_the_model() -> None:
    """A bridge raised over 1.5 s in a still picture, its landmarks jittering about as far
    from frame to frame as the movement goes: only the speed over ``still_window_s``
    shows the movement, and every frame of it must go to the model."""
    t, lift = schedule(FPS, [(2.0, 0.0, 0.0), (1.5, 0.0, 1.0), (2.0, 1.0, 1.0)])
    track = bridge_track(lift, t, jitter=0.4, fps=FPS)
    still = textured_frame(np.random.default_rng(3))  # the picture never changes
    frames = [VideoFrame(i, float(ti), still) for i, ti in enumerate(t)]
    _, poses = strided(track, frames)
    rising = slice(int(2.75 * FPS), int(3.5 * FPS))  # the rise eases in: its second half
    assert not any(p.interpolated for p in poses[rising])
    held = [p.interpolated for p in poses[int(4.0 * FPS) :]]
    assert sum(held) > len(held) / 2, "still frames went to the model"


def test_the_live_stride_answers_each_frame_at_once_and_models_every_change(bridges: tuple[Track, Path]) -> None:
    """Live, a skipped frame gets the model's last landmarks straight away: every answer
    is the frame's own (no waiting for a later frame), and a changing picture always
    goes to the model."""
    track, video = bridges
    held = HeldPoses(PoseStage(TrackEstimator(track)))
    frames = frames_of(video)
    poses = [held.estimate(frame) for frame in frames]
    assert [(p.index, p.timestamp_s) for p in poses] == [(f.index, f.timestamp_s) for f in frames]
    moving = np.flatnonzero(np.abs(np.diff(lifts_of(track))) > 1e-6) + 1
    assert [i for i in moving if poses[i].interpolated] == [], "frames whose picture changed were held"
    last_modelled = None
    for pose in poses:
        if pose.interpolated:
            assert last_modelled is not None and np.array_equal(pose.xy, last_modelled.xy)
        else:
            last_modelled = pose
    assert held.modelled + held.held == len(poses) and held.held > len(poses) // 4


def test_live_counts_with_the_stride_are_those_of_every_frame(bridges: tuple[Track, Path]) -> None:
    track, video = bridges

    def live(stride: StrideParams | None) -> dict:
        info = SourceInfo("live", FPS, 0, SIZE)
        pipeline = Pipeline(load_exercise("bridge"), info, TrackEstimator(track), live_stride=stride)
        for frame in frames_of(video):
            pipeline.process(frame)
        return build_report(pipeline.finish()).to_json()

    every, strided = live(None), live(StrideParams())
    assert every["rep_count"] == 2 and strided["rep_count"] == every["rep_count"]
    assert len(strided["holds"]) == len(every["holds"]) == 2
    for a, b in zip(strided["holds"], every["holds"]):
        assert a["duration_s"] == pytest.approx(b["duration_s"], abs=0.2)
