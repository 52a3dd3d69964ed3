"""Recorded analysis: drives the shared ``Pipeline`` over a video file or a landmark
track (``.npz``; a track skips the pose model, so the same rules can be re-run in
milliseconds), drawing the overlay only where an output asks for it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

from formcheck.core.frame import PoseFrame
from formcheck.core.interrupts import StopFlag
from formcheck.core.threads import Behind, Prefetch
from formcheck.engine.evaluator import EngineParams, FrameState
from formcheck.engine.pipeline import Pipeline
from formcheck.engine.pose_stage import Picture, PoseStage
from formcheck.engine.session import Session
from formcheck.engine.stride import StridedPoses, StrideParams
from formcheck.exercises.schema import Exercise
from formcheck.feedback.overlay import Overlay
from formcheck.offline.kept_poses import KeptPoses
from formcheck.pose import PoseEstimator
from formcheck.reports.keyframes import KeyFrameCollector
from formcheck.reports.video_writer import FrameSink, open_video_writer
from formcheck.sources.track import Track
from formcheck.sources.video import SourceInfo, VideoFile, VideoFrame

TRACK_SUFFIX = ".npz"
BLANK_GREY = 48
# Frames decoded ahead of the pose model and waiting to be drawn: enough to smooth out
# uneven frame times, few enough to keep memory flat (a 1080p frame is 6 MB, and one
# decoded ahead 12 MB with its RGB copy for the model).
DECODE_AHEAD = 4
DRAW_BEHIND = 4
# Frames posed and waiting for the stages after the pose model (smoothing, the
# exercise's rules, the session), which run on their own thread behind it.
STAGES_BEHIND = 4


@dataclass
class AnalysisOptions:
    out_video: Path | None = None  # where to write the annotated video (the CLI stages a temporary file)
    out_video_name: Path | None = None  # the path the user gave, for messages
    progress: bool = False
    params: EngineParams = field(default_factory=EngineParams)
    keyframes: KeyFrameCollector | None = None  # collects rep-peak pictures when set
    mirrored: bool = False  # a selfie-mirrored recording: left and right are swapped
    poses: list[PoseFrame] | None = None  # collects the pose stage's frames (a track's content) when set
    # The adaptive stride (engine/stride.py, `analyze --stride`); None (the default) runs
    # the pose model on every frame, as it always does when the poses are collected (a
    # track keeps what the model saw).
    stride: StrideParams | None = None
    #: A standing line on the overlay now (recognition's warning, once the video so far
    #: shows it), asked for each frame as it is evaluated.
    notice: Callable[[], str] | None = None
    found: FoundPoses | None = None  # this video's poses, already found (recognition's pose pass): no pose model runs
    #: Ctrl-C or SIGTERM, asked between frames (``core/interrupts``): the analysis then
    #: unwinds from the frame loop, where no thread's queue is mid-wait.
    stop: StopFlag | None = None


@dataclass(frozen=True)
class FoundPoses:
    """A video's poses from one pass of the pose model (``pose_pass``), every frame of
    it, interpolated ones of a strided pass as they were: counting again from them gives
    what counting in that pass would have given."""

    info: SourceInfo
    poses: KeptPoses  # in a temporary file, not memory: an hour of them would be 400 MB
    notes: tuple[str, ...] = ()

    @classmethod
    def of_track(cls, path: Path, track: Track) -> FoundPoses:
        info = SourceInfo(name=str(path), fps=track.fps, frame_count=len(track.t), size=track.image_size)
        return cls(info, KeptPoses(track.frames()), tuple(track.notes))

    def to_track(self, backend: str, source_sha256: str = "") -> Track:
        """The landmark track of these poses (``formcheck track``)."""
        return Track.from_frames(list(self.poses), self.info.name, self.info.fps, backend, source_sha256, self.notes)


Posed = tuple[PoseFrame | None, VideoFrame | None]  # a frame's pose (a track's) and picture (a video's)
Stream = Iterator[Posed]


def _open(
    path: Path, estimator_factory: Callable[[], PoseEstimator], found: FoundPoses | None = None, pictures: bool = False
) -> tuple[SourceInfo, PoseEstimator | None, Stream, list[str]]:
    """Source info, the estimator it needs (none for tracks), its frames, and notes about
    the input that the reader adds to while reading (e.g. the file ended early). Given
    the video's ``found`` poses, they are replayed, with the video's pictures if wanted."""
    is_track = path.suffix.lower() == TRACK_SUFFIX
    if found is None and is_track:
        found = FoundPoses.of_track(path, Track.load(path))
    if found is not None:
        return found.info, None, _replay(path, found.poses, pictures and not is_track), list(found.notes)
    video = VideoFile(path)

    def frames() -> Stream:
        with video:
            for vf in video.frames():
                yield None, vf

    return video.info, estimator_factory(), frames(), video.notes


Poses = Iterator[tuple[PoseFrame, VideoFrame | None]]  # every frame with its pose


def _pose_stream(
    stream: Stream, stage: PoseStage | None, options: AnalysisOptions
) -> tuple[Prefetch[Posed] | Prefetch[Picture], Poses]:
    """The decoder on its own thread, up to ``DECODE_AHEAD`` frames ahead (returned, to
    be closed), and every frame with its pose: a track's own, else the pose model's on
    the pictures, which the pose stage looks at on the decode thread
    (``PoseStage.look``), so the model's thread waits for the model alone. Every frame
    loop of a recorded analysis reads its frames from here, and unwinds at the frame
    boundary when a stop was asked for (``options.stop``)."""
    if stage is None:
        replayed = Prefetch(stream, DECODE_AHEAD, "decode")
        return replayed, _until_stopped(_replayed(replayed), options)
    pictures = Prefetch(_looked(stream, stage), DECODE_AHEAD, "decode")
    return pictures, _until_stopped(_modelled(pictures, stage, options), options)


def _looked(stream: Stream, stage: PoseStage) -> Iterator[Picture]:
    with closing(stream):  # the video is closed on the decode thread, in order
        for _, video_frame in stream:
            assert video_frame is not None  # a video's stream carries every picture
            yield stage.look(video_frame)


def _replayed(frames: Iterable[Posed]) -> Poses:
    """Poses found before (a track's, or recognition's pose pass)."""
    for pose, video_frame in frames:
        assert pose is not None  # a replayed stream carries every pose
        yield pose, video_frame


def _modelled(pictures: Iterable[Picture], stage: PoseStage, options: AnalysisOptions) -> Poses:
    """The pose model's poses of the pictures (strided while all is still, when asked)."""
    if options.stride is not None and options.poses is None:
        yield from StridedPoses(stage, options.stride)(pictures)
        return
    for picture in pictures:
        pose = stage.model(picture)
        if options.poses is not None:
            options.poses.append(pose)
        yield pose, picture.frame


def _until_stopped(poses: Poses, options: AnalysisOptions) -> Poses:
    """The poses, asking the stop flag before each: Ctrl-C or SIGTERM ends the pose model's
    loop between frames, where no thread's queue is mid-wait."""
    for posed in poses:
        if options.stop is not None:
            options.stop.raise_if_set()
        yield posed


def _replay(path: Path, poses: Iterable[PoseFrame], pictures: bool) -> Stream:
    """Poses found before, each with its video frame when ``pictures`` (poses of this
    very video, frame for frame: the pictures are decoded again, the model not run)."""
    if not pictures:
        yield from ((pose, None) for pose in poses)
        return
    with VideoFile(path) as video:
        yield from zip(poses, video.frames(), strict=False)


def _drawer(
    overlay: Overlay, state: FrameState, video_frame: VideoFrame | None, size: tuple[int, int]
) -> Callable[[], np.ndarray]:
    """Draws the annotated frame on first call only (a track has no picture: grey canvas)."""

    @cache
    def draw() -> np.ndarray:
        canvas = (
            video_frame.image_bgr if video_frame is not None else np.full((size[1], size[0], 3), BLANK_GREY, np.uint8)
        )
        return overlay.annotate(canvas, state)

    return draw


Drawn = tuple[FrameState, VideoFrame | None, str]  # a frame's state, its picture, the overlay's notice then


def _drawing_stage(
    overlay: Overlay, size: tuple[int, int], writer: FrameSink | None, keyframes: KeyFrameCollector | None
) -> Behind[Drawn] | None:
    """Drawing and encoding on their own thread, behind the pose model (None when nothing
    is drawn). The overlay and the key frames are only ever used from that thread."""
    if writer is None and keyframes is None:
        return None

    def draw_frame(item: Drawn) -> None:
        state, video_frame, overlay.notice = item
        draw = _drawer(overlay, state, video_frame, size)
        if writer is not None:
            writer.write(draw(), state.t)
        if keyframes is not None:
            keyframes.update(state, draw)

    return Behind(draw_frame, DRAW_BEHIND, "draw")


def _progress_bar(info: SourceInfo, shown: bool) -> tqdm:
    """A frame bar on a terminal only (a log file or a pipe gets none)."""
    return tqdm(total=info.frame_count or None, unit="frame", disable=not shown or not sys.stderr.isatty(), leave=False)


def analyze(
    path: Path,
    exercise: Exercise,
    estimator_factory: Callable[[], PoseEstimator],
    options: AnalysisOptions | None = None,
    on_state: Callable[[FrameState], None] | None = None,
) -> Session:
    """Analyse a whole recording and return the session (events and timeline)."""
    options = options or AnalysisOptions()
    pictures = options.out_video is not None or options.keyframes is not None
    info, estimator, stream, notes = _open(path, estimator_factory, options.found, pictures)
    pipeline = Pipeline(exercise, info, estimator, options.params, mirrored=options.mirrored)
    overlay = Overlay(exercise, pipeline.evaluator.measures)
    pipeline.session.notes = notes
    writer = (
        open_video_writer(options.out_video, info.fps, info.size, options.out_video_name) if options.out_video else None
    )
    if writer is not None and writer.note:
        pipeline.session.notes.append(writer.note)
    drawing = _drawing_stage(overlay, info.size, writer, options.keyframes)
    frames, poses = _pose_stream(stream, pipeline.pose, options)
    bar = _progress_bar(info, options.progress)

    def after_model(posed: tuple[PoseFrame, VideoFrame | None]) -> None:
        """The stages after the pose model, on their own thread: the pose model releases
        the GIL while it works, so on two cores the rules of a frame run beside the
        model's work on the next. They stop at the frame boundary too (``options.stop``)."""
        if options.stop is not None:
            options.stop.raise_if_set()
        pose, video_frame = posed
        state = pipeline.step(pose)
        if on_state is not None:
            on_state(state)
        if drawing is not None:
            drawing.put((state, video_frame, options.notice() if options.notice else ""))
        bar.update(1)

    with writer if writer is not None else nullcontext():
        try:
            with (
                drawing if drawing is not None else nullcontext(),
                Behind(after_model, STAGES_BEHIND, "rules") as rules,
            ):
                for pose, video_frame in poses:
                    rules.put((pose, video_frame if drawing is not None else None))
                rules.finish()
                session = pipeline.finish()
                if drawing is not None:
                    drawing.finish()
        finally:
            frames.close()
            bar.close()
            pipeline.close()
    return session


def pose_pass(
    path: Path,
    estimator_factory: Callable[[], PoseEstimator],
    options: AnalysisOptions,
    on_pose: Callable[[PoseFrame], None] | None = None,
) -> FoundPoses:
    """The pose stage alone over a whole video, as ``analyze`` runs it (decoding ahead,
    strided when ``options.stride``), its poses kept to count from afterwards (a
    recorded track is read as it is) and each given to ``on_pose`` as it comes."""
    info, estimator, stream, notes = _open(path, estimator_factory)
    stage = PoseStage(estimator) if estimator else None
    frames, posed = _pose_stream(stream, stage, options)
    bar = _progress_bar(info, options.progress)
    poses = KeptPoses()
    try:
        for pose, _ in posed:
            poses.append(pose)
            if on_pose is not None:
                on_pose(pose)
            bar.update(1)
    finally:
        frames.close()
        bar.close()
        if estimator is not None:
            estimator.close()
    return FoundPoses(info, poses, tuple(notes))
