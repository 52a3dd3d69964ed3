"""How many people are in the picture.

``mp.solutions.pose`` follows one person and says nothing about anybody else, so a
second person in view (a partner, a child walking past, the physiotherapist beside the
patient) goes unnoticed while the tracker may jump to them. MediaPipe's Tasks
``PoseLandmarker`` finds several people; it runs here on the model bundle assembled from
the wheel's own files (``formcheck.pose.bundled_model``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Protocol, TypeVar

import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.memory import release_free_memory
from formcheck.pose import bundled_model
from formcheck.pose.base import import_mediapipe
from formcheck.pose.bundled_model import open_pose_landmarker

T = TypeVar("T")


class PeopleCounter(Protocol):
    """Counts the people in one picture."""

    def count(self, image_rgb: np.ndarray) -> int: ...

    def close(self) -> None: ...


class BundledPeopleCounter:
    """Multi-person ``PoseLandmarker`` on single pictures (each call detects afresh)."""

    def __init__(
        self, max_people: int = 3, min_confidence: float = 0.5, same_person_iou: float = 0.5, model: bytes | None = None
    ) -> None:
        """``model``: the task bundle, built beforehand (``bundled_task_model``; None: built here)."""
        self._landmarker = open_pose_landmarker(
            None, video=False, max_people=max_people, min_confidence=min_confidence, model=model
        )
        self.same_person_iou = same_person_iou

    def count(self, image_rgb: np.ndarray) -> int:
        mp = import_mediapipe()

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        poses = [np.array([(m.x, m.y) for m in pose]) for pose in self._landmarker.detect(image).pose_landmarks]
        return len(distinct_people(poses, self.same_person_iou))

    def close(self) -> None:
        self._landmarker.close()


class BundledCounterLoad:
    """A ``BundledPeopleCounter`` loaded in two steps, for ``PeopleSampler``: ``prepare``
    builds the model bundle (37 MiB at its peak, 9 MB kept), the call opens the
    landmarker on it (about 110 MiB) and lets the bundle go."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        self.min_confidence = min_confidence
        self._model: bytes | None = None

    def prepare(self) -> None:
        self._model = bundled_model.bundled_task_model()

    def __call__(self) -> BundledPeopleCounter:
        model, self._model = self._model, None
        return BundledPeopleCounter(min_confidence=self.min_confidence, model=model)


def distinct_people(poses_xy: list[np.ndarray], same_person_iou: float = 0.5) -> list[int]:
    """Indices of the poses that are not a repeat of an earlier one.

    The detector sometimes finds one person twice (seen on a lying person, side-on): two
    poses whose landmark boxes overlap by more than ``same_person_iou`` are one person.
    """
    kept: list[int] = []
    boxes = [np.concatenate([xy.min(axis=0), xy.max(axis=0)]) for xy in poses_xy]
    for i, box in enumerate(boxes):
        if all(box_iou(box, boxes[j]) <= same_person_iou for j in kept):
            kept.append(i)
    return kept


def nearest_person(poses_xy: list[np.ndarray], followed: np.ndarray | None) -> int:
    """Index of the pose to follow: the one whose centre is nearest the centre of the
    person followed so far (the first, when nobody was followed yet)."""
    if followed is None:
        return 0
    return int(np.argmin([np.linalg.norm(xy.mean(axis=0) - followed) for xy in poses_xy]))


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    inter = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0.0, None).prod()
    union = np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter
    return float(inter / union) if union > 0 else 0.0


#: The pose model allocates its buffers over its first few frames (240 -> 290 MiB).
#: Opening the counter's landmarker (about 90 MiB) while they ran, or while later
#: frames ran, peaked at 415-432 MiB on a 24 s sample (``formcheck analyze``); opened
#: after the sixth frame with the pose model waiting for it, at 366-370 MiB.
WARM_FRAMES = 6


class PeopleSampler:
    """Counts people every ``every_s`` seconds of video and holds the last count between.

    Counting costs about 40 ms a picture, so it is sampled: every 2 s, which still
    reports a second person within the setup check's 1 s debounce of the next sample.
    A count runs on the sampler's own thread beside the pose model's work on the same
    picture (``update``'s ``beside``), joined before the frame goes on, so the frame's
    count is the same as one taken in line: the pose model uses about one core of two,
    and the count took 25-40 ms in line with it every 2 s. The counter is loaded in two
    steps, to keep the peak memory down: ``prepare`` (building its model bundle, about
    0.3 s) on a background thread from the start, beside the pose model's own start-up,
    and ``make_counter`` (opening the landmarker, about 0.1 s) at the ``WARM_FRAMES``-th
    frame, the pose model waiting for it, with the memory the first step freed given
    back first (``core/memory.release_free_memory``). The first count is at ``first_s``.
    If the model cannot load, one warning says so and the analysis goes on without counts.
    One thread at a time calls ``update`` and ``close`` (the pose estimator's owner).
    """

    def __init__(
        self,
        make_counter: Callable[[], PeopleCounter],
        every_s: float = 2.0,
        first_s: float = 1.0,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        self._make_counter = make_counter
        self._prepare = prepare
        self._warm = threading.Event()
        self._frames = 0
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formcheck-people")
        self._closing = False
        self._loading: Future[PeopleCounter | None] | None = self._worker.submit(self._load)
        self._counter: PeopleCounter | None = None
        self.every_s = every_s
        self.first_s = first_s
        self._last_t: float | None = None
        self._last: int | None = None

    def _load(self) -> PeopleCounter | None:
        """The counter, built on the worker thread; None when closed before it was needed
        (an analysis shorter than ``WARM_FRAMES``, or one that failed early)."""
        if self._prepare is not None:
            self._prepare()
        self._warm.wait()
        if self._closing:
            return None
        release_free_memory()
        counter = self._make_counter()
        release_free_memory()
        return counter

    def _ready_counter(self) -> PeopleCounter | None:
        if self._loading is not None:
            self._warm.set()  # needed now (or closed early: the load ends without building it)
            loading, self._loading = self._loading, None
            try:
                self._counter = loading.result()
            except InputError as exc:  # counting people is a nicety: analyse without it
                print(f"formcheck: warning: {exc}; people in view are not counted", file=sys.stderr)
        return self._counter

    def update(self, image_rgb: np.ndarray, timestamp_s: float, beside: Callable[[], T]) -> tuple[T, int | None]:
        """What ``beside`` returns (the pose model's work on this picture), and the people
        count for this frame (None until the first sample), counted meanwhile if due."""
        self._frames += 1
        if self._frames == WARM_FRAMES:
            self._ready_counter()  # loaded now, the pose model waiting: the two never allocate at once
        due = self._last_t is None or timestamp_s - self._last_t >= self.every_s or timestamp_s < self._last_t
        counter = self._ready_counter() if due and timestamp_s >= self.first_s else None
        counting = self._worker.submit(counter.count, image_rgb) if counter is not None else None
        try:
            value = beside()
        except BaseException:
            if counting is not None:
                wait([counting])  # the picture stays in use until the count is done; its error is not the one to show
            raise
        if counting is not None:
            self._last, self._last_t = counting.result(), timestamp_s
        return value, self._last

    def reset(self) -> None:
        """A new video: the next count is at its ``first_s`` again."""
        self._last_t = self._last = None

    def close(self) -> None:
        """Closes the counter on the thread that opened and used it, then that thread;
        again is a no-op. The worker is shut down even if loading the counter failed."""
        if self._closing:
            return
        self._closing = True
        try:
            counter = self._ready_counter()
            if counter is not None:
                self._counter = None  # closed: later frames go uncounted
                self._worker.submit(counter.close).result()
        finally:
            self._worker.shutdown()
