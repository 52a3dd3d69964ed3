import math

import numpy as np
import pytest

from formcheck.core import geometry


def p(x: float, y: float) -> np.ndarray:
    return np.array([x, y], dtype=float)


@pytest.mark.parametrize(
    "a,b,c,expected",
    [
        ((1, 0), (0, 0), (0, 1), 90.0),
        ((1, 0), (0, 0), (-1, 0), 180.0),
        ((1, 0), (0, 0), (1, 1), 45.0),
        ((1, 0), (0, 0), (2, 0), 0.0),
    ],
)
def test_angle(a, b, c, expected):
    assert geometry.angle_deg(p(*a), p(*b), p(*c)) == pytest.approx(expected)


def test_angle_degenerate_is_nan():
    assert math.isnan(geometry.angle_deg(p(0, 0), p(0, 0), p(1, 1)))
    assert math.isnan(geometry.angle_deg(p(np.nan, 0), p(0, 0), p(1, 1)))


def test_inclination_ignores_direction():
    assert geometry.inclination_deg(p(0, 0), p(10, 0)) == pytest.approx(0.0)
    assert geometry.inclination_deg(p(0, 0), p(0, -10)) == pytest.approx(90.0)
    assert geometry.inclination_deg(p(10, 10), p(0, 0)) == pytest.approx(45.0)


def test_offset_sign_is_up_the_image_whichever_way_the_line_runs():
    above = p(5, -2)  # y up the image is negative
    assert geometry.offset_from_line(above, p(0, 0), p(10, 0)) == pytest.approx(0.2)
    assert geometry.offset_from_line(above, p(10, 0), p(0, 0)) == pytest.approx(0.2)
    assert geometry.offset_from_line(p(5, 3), p(0, 0), p(10, 0)) == pytest.approx(-0.3)


def test_height_and_distance():
    assert geometry.height_above(p(0, 10), p(0, 30)) == 20
    assert geometry.distance(p(0, 0), p(3, 4)) == 5
