"""The pose backends behind their one interface: choosing them, their clean errors, and
how many people they see.

No ``.task`` model ships with MediaPipe and nothing may be downloaded; the Tasks backend
is tested with the bundle formcheck assembles from the wheel's own models.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from formcheck.cli.main import DEMO_SAMPLE
from formcheck.core.errors import InputError
from formcheck.core.frame import PoseFrame
from formcheck.pose import create_estimator
from tests.test_cli import cli


def test_unknown_backend():
    with pytest.raises(InputError, match="unknown pose backend 'openpose'; choose one of: mediapipe, tasks"):
        create_estimator("openpose")


def test_tasks_backend_rejects_a_missing_or_bogus_model(tmp_path):
    code, _, err = cli(
        "analyze",
        str(DEMO_SAMPLE),
        "-e",
        "bridge",
        "--backend",
        "tasks",
        "--model",
        str(tmp_path / "none.task"),
        "--no-history",
    )
    assert code == 3 and "pose model not found" in err
    bogus = tmp_path / "bogus.task"
    bogus.write_bytes(b"not a model")
    code, _, err = cli(
        "analyze", str(DEMO_SAMPLE), "-e", "bridge", "--backend", "tasks", "--model", str(bogus), "--no-history"
    )
    assert code == 3 and "cannot load pose model" in err and err.count("\n") == 1


def test_tasks_backend_with_a_model_file_follows_one_of_two_people(tmp_path):
    from formcheck.pose.bundled_model import bundled_task_model

    model = tmp_path / "pose_landmarker_full.task"
    model.write_bytes(bundled_task_model())
    estimator = create_estimator("tasks", model)
    one = _sample_picture()
    try:
        alone = estimator.estimate(one, 0, 0.0)
        two = estimator.estimate(_two_people(one), 1, 0.04)
    finally:
        estimator.close()
    assert alone.people == 1 and alone.visibility.mean() > 0.5
    assert two.people == 2
    # The person followed is the one on the left, where the lone person was.
    assert abs(np.nanmean(two.xy[:, 0]) - np.nanmean(alone.xy[:, 0])) < 0.05 * one.shape[1]


def test_bundled_backend_finds_the_rendered_person():
    import cv2

    estimator = create_estimator()
    capture = cv2.VideoCapture(str(DEMO_SAMPLE))
    ok, image = capture.read()
    capture.release()
    assert ok
    frame = estimator.estimate(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), 0, 0.0)
    estimator.close()
    assert isinstance(frame, PoseFrame) and frame.has_person
    h, w = image.shape[:2]
    assert frame.image_size == (w, h)
    assert np.all((frame.xy[:, 0] > -w) & (frame.xy[:, 0] < 2 * w))  # pixels, not normalised
    assert frame.visibility.mean() > 0.5


def test_an_image_without_a_person_gives_an_empty_frame():
    estimator = create_estimator()
    frame = estimator.estimate(np.full((240, 320, 3), 128, np.uint8), 0, 0.0)
    estimator.close()
    assert not frame.has_person and frame.visibility.max() == 0.0


def _sample_picture():
    import cv2

    capture = cv2.VideoCapture(str(DEMO_SAMPLE))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 60)
    ok, image = capture.read()
    capture.release()
    assert ok
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _two_people(one):
    """The picture beside its mirror image: the same person twice, side by side."""
    return np.hstack([one, one[:, ::-1]])


def test_the_bundled_people_counter_counts_nobody_one_and_two():
    from formcheck.pose.people import BundledPeopleCounter

    one = _sample_picture()
    counter = BundledPeopleCounter()
    try:
        assert counter.count(np.full_like(one, 128)) == 0
        assert counter.count(one) == 1
        assert counter.count(_two_people(one)) == 2
    finally:
        counter.close()


def test_the_bundle_is_passed_as_a_buffer_where_there_is_no_memfd(monkeypatch):
    """macOS has no ``os.memfd_create``: the landmarker then gets the bundle's bytes."""
    from formcheck.pose import bundled_model
    from formcheck.pose.people import BundledPeopleCounter

    monkeypatch.delattr(bundled_model.os, "memfd_create")
    counter = BundledPeopleCounter()
    try:
        assert counter.count(_sample_picture()) == 1
    finally:
        counter.close()


def test_the_people_sampler_counts_every_interval_and_holds_between():
    from formcheck.pose.people import PeopleSampler

    class Scripted:
        def __init__(self) -> None:
            self.calls: list[int] = []

        def count(self, image_rgb: np.ndarray) -> int:
            self.calls.append(int(image_rgb[0, 0, 0]))
            return int(image_rgb[0, 0, 0])

        def close(self) -> None:
            pass

    counter = Scripted()
    sampler = PeopleSampler(lambda: counter, every_s=2.0, first_s=1.0)
    seen = [
        sampler.update(np.full((2, 2, 3), 1 + (t >= 3.0), np.uint8), t, lambda: None)[1]
        for t in np.arange(0.0, 5.0, 0.5)
    ]
    sampler.close()
    assert seen == [None, None, 1, 1, 1, 1, 2, 2, 2, 2] and counter.calls == [1, 2]


def test_a_people_count_runs_beside_the_pose_model_and_belongs_to_its_frame():
    """Each waits for the other to have started: in line, one of them would wait in vain."""
    import threading

    from formcheck.pose.people import PeopleSampler

    counting, modelled = threading.Event(), threading.Event()

    class Counter:
        def count(self, image_rgb: np.ndarray) -> int:
            counting.set()
            assert modelled.wait(5), "the count ran in line with the pose model"
            return 2

        def close(self) -> None:
            pass

    def model() -> str:
        assert counting.wait(5), "the pose model ran in line with the count"
        modelled.set()
        return "landmarks"

    sampler = PeopleSampler(Counter, every_s=2.0, first_s=0.0)
    try:
        assert sampler.update(np.zeros((2, 2, 3), np.uint8), 0.0, model) == ("landmarks", 2)
    finally:
        sampler.close()


def test_the_people_counter_opens_at_the_sixth_frame_after_its_bundle_is_built():
    """The two-step load that keeps the peak memory down: the bundle is built at once,
    the counter opened only once the pose model has run its first frames, and not
    while one runs (``update`` returns with it open)."""
    import threading

    from formcheck.pose.people import WARM_FRAMES, PeopleSampler

    order: list[str] = []
    prepared = threading.Event()

    class Counter:
        def count(self, image_rgb: np.ndarray) -> int:
            return 1

        def close(self) -> None:
            order.append("closed")

    def prepare() -> None:
        order.append("prepared")
        prepared.set()

    def make() -> Counter:
        order.append("opened")
        return Counter()

    sampler = PeopleSampler(make, every_s=2.0, first_s=1.0, prepare=prepare)
    assert prepared.wait(5)
    picture = np.zeros((2, 2, 3), np.uint8)
    for frame in range(1, WARM_FRAMES + 1):
        time.sleep(0.02)  # time for a load started too early to show
        assert order == ["prepared"] or frame == WARM_FRAMES
        assert sampler.update(picture, frame / 30, lambda: None)[1] is None  # counts start at first_s
    assert order == ["prepared", "opened"]
    assert sampler.update(picture, 1.0, lambda: None)[1] == 1
    sampler.close()
    assert order == ["prepared", "opened", "closed"]


def test_the_pose_models_error_wins_over_the_counts_and_the_count_ends_first():
    """When the pose model fails on a picture being counted, its error is the one raised,
    after the count has let go of the picture."""
    import threading

    from formcheck.pose.people import PeopleSampler

    started, finished = threading.Event(), threading.Event()

    class Failing:
        def count(self, image_rgb: np.ndarray) -> int:
            started.set()
            time.sleep(0.05)
            finished.set()
            raise RuntimeError("the count failed")

        def close(self) -> None:
            pass

    def model() -> None:
        assert started.wait(5)
        raise ValueError("the pose model failed")

    sampler = PeopleSampler(Failing, every_s=2.0, first_s=0.0)
    try:
        with pytest.raises(ValueError, match="pose model"):
            sampler.update(np.zeros((2, 2, 3), np.uint8), 0.0, model)
        assert finished.is_set()
    finally:
        sampler.close()


class _OneInView:
    """A people counter that always sees one person and logs its opening and closing."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        log.append("opened")

    def count(self, image_rgb: np.ndarray) -> int:
        return 1

    def close(self) -> None:
        self.log.append("closed")


def test_the_people_sampler_closed_early_never_opens_the_counter_and_closes_once():
    from formcheck.pose.people import PeopleSampler

    log: list[str] = []
    sampler = PeopleSampler(lambda: _OneInView(log), every_s=2.0, first_s=1.0)
    sampler.update(np.zeros((2, 2, 3), np.uint8), 0.0, lambda: None)  # one frame, before the sixth
    sampler.close()
    sampler.close()
    assert log == []


def test_an_open_people_counter_is_closed_once_however_often_the_sampler_is():
    from formcheck.pose.people import WARM_FRAMES, PeopleSampler

    log: list[str] = []
    sampler = PeopleSampler(lambda: _OneInView(log), every_s=2.0, first_s=0.0)
    picture = np.zeros((2, 2, 3), np.uint8)
    for frame in range(WARM_FRAMES):
        assert sampler.update(picture, frame / 30, lambda: None)[1] == 1
    sampler.close()
    sampler.close()
    assert log == ["opened", "closed"]


def test_the_people_sampler_shuts_its_thread_down_when_the_counter_failed_to_load():
    from formcheck.pose.people import PeopleSampler

    def broken() -> None:
        raise RuntimeError("no model bundle")

    sampler = PeopleSampler(lambda: None, every_s=2.0, first_s=0.0, prepare=broken)  # type: ignore[arg-type,return-value]
    with pytest.raises(RuntimeError, match="no model bundle"):
        sampler.close()
    assert sampler._worker._shutdown
    sampler.close()  # closed already: nothing raised again


def test_the_default_backend_reports_people_in_view():
    estimator = create_estimator()
    one = _sample_picture()
    try:
        early = estimator.estimate(_two_people(one), 0, 0.0)
        later = estimator.estimate(_two_people(one), 1, 1.0)
    finally:
        estimator.close()
    assert early.people is None  # the first count is 1 s into the video
    assert later.people == 2 and later.has_person


def test_overlapping_poses_are_one_person_and_the_followed_one_is_kept():
    from formcheck.pose.people import box_iou, distinct_people, nearest_person

    def person(x0: float, width: float = 0.2) -> np.ndarray:
        return np.array([[x0, 0.3], [x0 + width, 0.7]])

    assert box_iou(np.array([0, 0, 2, 2.0]), np.array([1, 0, 3, 2.0])) == 1 / 3
    # The detector's double of one person (boxes overlapping by 80 %) is dropped; a
    # second person beside them is kept.
    assert distinct_people([person(0.10), person(0.11), person(0.60)]) == [0, 2]
    # Following the person on the right, listed second by the detector.
    assert nearest_person([person(0.10), person(0.60)], followed=np.array([0.72, 0.5])) == 1
    assert nearest_person([person(0.10), person(0.60)], followed=None) == 0


def test_the_default_backend_still_works_when_people_cannot_be_counted(monkeypatch, capsys):
    from formcheck.pose import bundled_model

    def broken(*_, **__):
        raise InputError("cannot build the pose model bundle from the mediapipe wheel (test)")

    monkeypatch.setattr(bundled_model, "bundled_task_model", broken)
    estimator = create_estimator()
    try:
        frames = [estimator.estimate(_sample_picture(), i, t) for i, t in enumerate((0.0, 1.0, 3.0))]
    finally:
        estimator.close()
    assert all(f.has_person and f.people is None for f in frames)
    err = capsys.readouterr().err
    assert "formcheck: warning: cannot build the pose model bundle" in err and err.count("\n") == 1
