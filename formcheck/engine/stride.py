"""Adaptive frame stride: the pose model skips frames while nothing moves.

Holds are mostly stillness (a 60 s child's pose, a 5-10 s stretch), and a still body's
landmarks between two frames the model saw are what those two frames say. So while the
picture is still (the scene watch's small grey copy changes little since the last frame
the model saw) and the landmarks were still too, the model runs only on every 2nd, then
3rd, then 4th frame; the frames between get landmarks interpolated from the two around
them, flagged ``interpolated``. The landmarks' speed is taken over the last
``still_window_s`` of the model's frames, not between its last two: from one frame to
the next, MediaPipe's jitter moves the landmarks about as far as a slow movement does (a
chin lowered to the chest, a hand sliding forward in a child's pose); over a third of a
second the movement adds up and the jitter does not. At any motion in the picture, a
camera cut, or a person lost, the very frame that shows it goes to the model and the
stride is back to every frame. The rules never start or end a rep on an interpolated
frame alone (``RepCounter.update``'s ``measured``).

Recorded analysis interpolates (``StridedPoses``): a skipped frame waits for the next
frame the model sees (at most ``max_stride - 1`` frames), which a live session could
not afford. Live coaching (``HeldPoses``, ``live --stride``) uses the same decision
(``StrideGate``) but gives a skipped frame the model's last landmarks at once: no delay,
and less work for the model while the person holds still.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.engine.pose_stage import Picture, PoseStage
from formcheck.sources.video import VideoFrame

VISIBLE = 0.5  # landmarks below this visibility do not count towards the landmarks' speed


@dataclass(frozen=True)
class StrideParams:
    max_stride: int = 4  # the model sees at least every 4th frame
    #: The picture is still while fewer than this share of the scene thumbnail's pixels
    #: changed by more than ``changed_level`` grey levels (0-255) since the model's last
    #: frame: a limb starting to move changes a few pixels a lot, camera noise many a little.
    still_picture: float = 0.002
    changed_level: float = 12.0
    #: Landmark speed (the fastest visible landmark, in body sizes per second, over
    #: ``still_window_s``) below which the body is still. The fastest, not a percentile:
    #: a bridge moves two hips, a chin drop the head alone. Measured on the every-frame
    #: tracks of two real clips: mostly 0.004-0.04 while held, 0.06-0.19 while a chin
    #: is lowered or a held child's pose is readjusted.
    still_speed: float = 0.04
    still_window_s: float = 0.3


def changed_share(a: np.ndarray, b: np.ndarray, level: float) -> float:
    """The share of pixels whose grey level differs by more than ``level``."""
    return float((np.abs(a - b) > level).mean())


def landmark_speed(a: PoseFrame, b: PoseFrame) -> float:
    """How fast the body's fastest visible landmark moved from ``a`` to ``b``, in body
    sizes per second (inf when either frame has no person: never still)."""
    if not (a.has_person and b.has_person) or b.timestamp_s <= a.timestamp_s:
        return float("inf")
    seen = (a.visibility >= VISIBLE) & (b.visibility >= VISIBLE)
    if seen.sum() < 4:
        return float("inf")
    size = float(np.ptp(b.xy[seen], axis=0).max())
    if size <= 0:
        return float("inf")
    moved = np.linalg.norm(b.xy[seen] - a.xy[seen], axis=1) / size
    return float(moved.max()) / (b.timestamp_s - a.timestamp_s)


def interpolate(a: PoseFrame, b: PoseFrame, index: int, t: float, scene: tuple[float, bool]) -> PoseFrame:
    """Landmarks at time ``t`` between two frames the model saw, flagged as interpolated."""
    w = (t - a.timestamp_s) / (b.timestamp_s - a.timestamp_s)
    world = a.world + w * (b.world - a.world) if a.world is not None and b.world is not None else None
    return replace(
        a,
        index=index,
        timestamp_s=t,
        xy=a.xy + w * (b.xy - a.xy),
        z=a.z + w * (b.z - a.z),
        visibility=np.minimum(a.visibility, b.visibility),
        world=world,
        brightness=scene[0],
        scene_cut=scene[1],
        interpolated=True,
    )


class StrideGate:
    """Whether the pose model may skip the next frame: the stride grows by one frame per
    model frame that found the body still, up to ``max_stride``, and any change in the
    picture since the model's last frame ends it. Shared by the recorded stride, which
    interpolates the frames it skips, and the live one, which holds the last landmarks."""

    def __init__(self, params: StrideParams) -> None:
        self.params = params
        self._recent: deque[PoseFrame] = deque()  # the model's frames of the last still_window_s
        self._last_thumb: np.ndarray | None = None  # the picture at the model's latest frame
        self._still_run = 0  # the model's frames in a row that found the body still

    def may_skip(self, skipped: int, picture: Picture) -> bool:
        """Whether ``picture`` may go without the model, ``skipped`` frames after the
        model's latest one."""
        limit = min(self.params.max_stride - 1, self._still_run)
        if picture.scene[1] or self._last_thumb is None or skipped >= limit:
            return False
        return changed_share(picture.thumb, self._last_thumb, self.params.changed_level) < self.params.still_picture

    def saw(self, pose: PoseFrame, picture: Picture) -> None:
        """The model saw ``picture`` and found ``pose``."""
        self._still_run = self._still_run + 1 if self._still(pose) else 0
        self._last_thumb = picture.thumb

    def _still(self, pose: PoseFrame) -> bool:
        """Whether the body was still over the last ``still_window_s`` up to ``pose``
        (never before the window's worth of frames has been seen). ``_recent`` keeps
        the model's frames back to the newest one at least that long before ``pose``."""
        recent = self._recent
        since = pose.timestamp_s - self.params.still_window_s
        while len(recent) > 1 and recent[1].timestamp_s <= since:
            recent.popleft()
        still = (
            bool(recent)
            and recent[0].timestamp_s <= since
            and landmark_speed(recent[0], pose) < self.params.still_speed
        )
        recent.append(pose)
        return still


class _Stride:
    """What both strides share: the gate, and the model's frames counted and shown to it."""

    def __init__(self, stage: PoseStage, params: StrideParams | None = None) -> None:
        self.stage = stage
        self.gate = StrideGate(params or StrideParams())
        self.modelled = 0  # frames the pose model saw

    def _model(self, picture: Picture) -> PoseFrame:
        self.modelled += 1
        pose = self.stage.model(picture)
        self.gate.saw(pose, picture)
        return pose


class StridedPoses(_Stride):
    """Poses for a stream of video frames, the model skipping frames while all is still."""

    def __init__(self, stage: PoseStage, params: StrideParams | None = None) -> None:
        super().__init__(stage, params)
        self.interpolated = 0

    def __call__(self, pictures: Iterable[Picture]) -> Iterator[tuple[PoseFrame, VideoFrame]]:
        """Each frame's pose, in order; ``pictures`` are the frames the stage has looked
        at (``PoseStage.look``)."""
        last: PoseFrame | None = None  # the model's latest frame
        waiting: list[Picture] = []  # without their RGB copies, which the model may not need
        for picture in pictures:
            if last is not None and self.gate.may_skip(len(waiting), picture):
                waiting.append(replace(picture, rgb=None))
                continue
            pose = self._model(picture)
            yield from self._between(last, pose, waiting)
            yield pose, picture.frame
            last = pose
        if waiting:  # the stream ended while skipping: the model sees its last frame
            picture = waiting.pop()
            pose = self._model(picture)
            yield from self._between(last, pose, waiting)  # type: ignore[arg-type]
            yield pose, picture.frame

    def _between(self, a: PoseFrame, b: PoseFrame, waiting: list[Picture]) -> Iterator[tuple[PoseFrame, VideoFrame]]:
        """The waiting frames with landmarks interpolated between ``a`` and ``b``."""
        for picture in waiting:
            self.interpolated += 1
            frame = picture.frame
            yield interpolate(a, b, frame.index, frame.timestamp_s, picture.scene), frame
        waiting.clear()


class HeldPoses(_Stride):
    """The live stride: the same gate, but a frame the model skips gets the model's last
    landmarks at once (flagged ``interpolated``, re-stamped, with its own scene reading),
    so it never waits for a later frame and adds no delay. It saves the model's work
    (a laptop's battery) while the person holds still; the rules treat those frames as
    they treat interpolated ones (never starting or ending a rep on them alone)."""

    def __init__(self, stage: PoseStage, params: StrideParams | None = None) -> None:
        super().__init__(stage, params)
        self._last: PoseFrame | None = None
        self._skipped = 0
        self.held = 0

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        picture = self.stage.look(frame, rgb=False)  # the model makes its RGB copy if it runs
        if self._last is None or not self.gate.may_skip(self._skipped, picture):
            self._last, self._skipped = self._model(picture), 0
            return self._last
        self._skipped += 1
        self.held += 1
        brightness, cut = picture.scene
        return replace(
            self._last,
            index=frame.index,
            timestamp_s=frame.timestamp_s,
            brightness=brightness,
            scene_cut=cut,
            interpolated=True,
        )
