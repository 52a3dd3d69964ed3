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


@pytest.mark.parametrize(
    ("hip", "expected"),
    [
        ((0.0, 0.0), 180.0),  # on the line from the shoulder to the knee
        ((0.0, 10.0), 180.0 - math.degrees(2 * math.atan(10 / 100))),  # below it: lying, an unsigned bend
        ((0.0, -10.0), 180.0 + math.degrees(2 * math.atan(10 / 100))),  # lifted above it: past straight
        ((0.0, -120.0), math.nan),  # far sharper: no body's, landmarks folded: unmeasured
    ],
    ids=["straight", "below", "above", "implausibly far above"],
)
def test_an_angle_reads_past_straight_once_its_middle_point_rises_above_the_line(hip, expected):
    shoulder, knee = np.array([100.0, 0.0]), np.array([-100.0, 0.0])
    assert geometry.angle_up_past_straight_deg(shoulder, np.array(hip), knee, 45.0) == pytest.approx(
        expected, nan_ok=True
    )


def test_past_straight_is_continuous_through_straight_and_the_same_in_3d():
    shoulder, knee = np.array([100.0, 0.0, 5.0]), np.array([-100.0, 0.0, -5.0])
    readings = [
        geometry.angle_up_past_straight_deg(shoulder, np.array([0.0, y, 0.0]), knee, 45.0) for y in range(20, -21, -1)
    ]
    assert np.all(np.diff(readings) > 0) and np.max(np.abs(np.diff(readings))) < 1.5


def test_an_upright_line_has_no_above_and_keeps_the_angle():
    """A standing body's knee: the line from hip to ankle is upright, so "above" means nothing."""
    hip, ankle = np.array([0.0, -100.0]), np.array([0.0, 100.0])
    knee = np.array([15.0, -5.0])
    assert geometry.angle_up_past_straight_deg(hip, knee, ankle, 45.0) == pytest.approx(
        geometry.angle_deg(hip, knee, ankle)
    )
    assert math.isnan(geometry.angle_up_past_straight_deg(hip, hip, ankle, 45.0))


@pytest.mark.parametrize(("sideways", "past"), [(0.0, True), (0.02, True), (0.05, True), (0.2, False)])
def test_in_3d_the_hip_is_above_the_line_while_its_offset_points_mostly_up(sideways, past):
    """Hips 4 cm above a metre-long shoulder-knee line, moved across it: past straight
    while the offset points within 60 degrees of up, the unsigned angle once it is mostly
    sideways."""
    shoulder, knee = np.array([0.5, 0.0, 0.0]), np.array([-0.5, 0.0, 0.0])
    hip = np.array([0.0, -0.04, sideways])
    unsigned = geometry.angle_deg(shoulder, hip, knee)
    reading = geometry.angle_up_past_straight_deg(shoulder, hip, knee, 45.0)
    assert reading == pytest.approx(360.0 - unsigned if past else unsigned)
