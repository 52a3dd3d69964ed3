import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.smoothing.one_euro import OneEuroSmoother

SIZE = (640, 480)


def frame(i: int, xy: np.ndarray) -> PoseFrame:
    return PoseFrame(i, i / 30.0, SIZE, xy, np.zeros(33), np.ones(33))


def run(xys: list[np.ndarray]) -> np.ndarray:
    smoother = OneEuroSmoother()
    return np.stack([smoother.update(frame(i, xy)).xy for i, xy in enumerate(xys)])


def test_reduces_jitter_of_a_still_person():
    rng = np.random.default_rng(1)
    base = rng.uniform(100, 400, (33, 2))
    raw = [base + rng.normal(0, 3.0, base.shape) for _ in range(120)]
    out = run(raw)
    raw_err = np.std(np.stack(raw)[30:] - base)
    out_err = np.std(out[30:] - base)
    assert out_err < 0.5 * raw_err


def test_follows_fast_motion_with_little_lag():
    base = np.full((33, 2), 100.0)
    raw = [base + [i * 10.0, 0] for i in range(30)]  # 300 px/s
    out = run(raw)
    lag = raw[-1][0, 0] - out[-1][0, 0]
    assert 0 <= lag < 25  # under 2.5 frames of motion


def test_resets_when_the_person_is_lost():
    smoother = OneEuroSmoother()
    smoother.update(frame(0, np.full((33, 2), 100.0)))
    lost = PoseFrame.empty(1, 1 / 30, SIZE)
    assert not smoother.update(lost).has_person
    again = smoother.update(frame(2, np.full((33, 2), 300.0)))
    assert np.allclose(again.xy, 300.0)  # no blending with where the person was before


def test_metric_landmarks_are_smoothed_in_step_with_the_image_ones():
    rng = np.random.default_rng(2)
    xy = rng.uniform(100, 400, (33, 2))
    world = rng.uniform(-0.5, 0.5, (33, 3))
    smoother = OneEuroSmoother()
    raw = [world + rng.normal(0, 0.02, world.shape) for _ in range(90)]
    out = [smoother.update(frame(i, xy).with_points(xy, np.zeros(33), w)).world for i, w in enumerate(raw)]
    assert np.std(np.stack(out)[30:] - world) < 0.5 * np.std(np.stack(raw)[30:] - world)
    assert OneEuroSmoother().update(frame(0, xy)).world is None  # a backend without 3D gives none
