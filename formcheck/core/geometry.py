"""Plane geometry on image points (x right, y down), in degrees.

Pure functions on numpy arrays with no knowledge of landmarks or exercises; NaN in,
NaN out, so a missing landmark propagates instead of producing a false angle.
"""

from __future__ import annotations

import math

import numpy as np


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle a-b-c at b, in [0, 180]; the points may be 2D (image) or 3D (metric)."""
    u, v = a - b, c - b
    # sqrt(u . u) is what np.linalg.norm computes for a vector, bit for bit, without its
    # argument checks; min/max is np.clip on one float (NaN stays NaN): a fifth of the
    # cost, on the hot path of every exercise's rules on every frame.
    nu, nv = math.sqrt(u.dot(u)), math.sqrt(v.dot(v))
    if not (nu > 0 and nv > 0):
        return float("nan")
    cos = float(np.dot(u, v) / (nu * nv))
    return float(np.degrees(np.arccos(min(max(cos, -1.0), 1.0))))


#: The middle point is "above" the line through the other two when its offset from that
#: line points within 60 degrees of straight up: beside an upright line (a limb seen
#: end-on, a standing body), or mostly sideways of a level one in 3D, it is not.
UP_WITHIN_COS = 0.5


def angle_up_past_straight_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray, max_past_deg: float) -> float:
    """Angle a-b-c at b, past 180 once b rises above the line a-c, by at most
    ``max_past_deg``: a sharper bend above the line is no body's (landmarks folded the
    wrong way), so it reads NaN, unmeasured, rather than jumping.

    An unsigned angle folds back at a straight line: hips lifted above the line from the
    knees to the shoulders read as less than 180 again, so the lift looks like a fall
    back down (a bridge render: 146 lying, 173 passing straight, 163 at the top, where
    this reads 197). Up is minus y, in the picture and in MediaPipe's 3D landmarks. In
    3D an offset mostly sideways of the line is not above it: reading the bend in the
    upright plane through the line instead (any upward part of the offset) read a side
    plank's hip raises, filmed from the front, as five bridges instead of one.
    """
    angle = angle_deg(a, b, c)
    line = c - a
    length_sq = float(line.dot(line))
    if not length_sq > 0 or math.isnan(angle):
        return angle
    rel = b - a
    offset = rel - line * (float(rel.dot(line)) / length_sq)  # from the line to b, square to it
    size = math.sqrt(float(offset.dot(offset)))
    if not (size > 0 and -float(offset[1]) > UP_WITHIN_COS * size):
        return angle  # b on or below the line, or beside it (an upright line has no above)
    return 360.0 - angle if angle >= 180.0 - max_past_deg else math.nan


def inclination_deg(a: np.ndarray, b: np.ndarray) -> float:
    """How steep the segment a-b is: 0 level with the floor, 90 vertical."""
    dx, dy = b - a
    if not (dx or dy):
        return float("nan")
    return float(np.degrees(np.arctan2(abs(dy), abs(dx))))


def offset_from_line(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Signed distance of p from the line a-b in units of |ab|; positive when p is above it.

    "Above" is towards the top of the image whichever way a-b runs, so the sign means
    the same for a person lying with the head to the left or to the right.
    """
    d = b - a
    length = float(np.hypot(*d))
    if not length > 0:
        return float("nan")
    normal = np.array([d[1], -d[0]]) / length  # perpendicular to a-b
    if normal[1] > 0:  # make it point up the image (y decreasing)
        normal = -normal
    return float(np.dot(p - a, normal) / length)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(b - a))


def picture_weight(normal: np.ndarray, trusted_tilt_deg: float = 30.0, edge_on_tilt_deg: float = 60.0) -> float:
    """How far to trust a picture's angle over the 3D one, for a movement in the plane
    with this 3D ``normal`` (axes as the camera's, z along its line of sight): 1 while
    the plane is tilted less than ``trusted_tilt_deg`` from the picture's plane, 0
    beyond ``edge_on_tilt_deg``, linear in the cosine between.

    The defaults come from the rendered angle-error grid (README, "View-robust
    measures"): up to 30 degrees round the picture's angles are the better ones, from
    60 degrees the 3D ones are."""
    length = float(np.linalg.norm(normal))
    if not length > 0:
        return 1.0
    return _trust(abs(float(normal[2])) / length, trusted_tilt_deg, edge_on_tilt_deg)


def segment_picture_weight(
    segment: np.ndarray, trusted_tilt_deg: float = 30.0, edge_on_tilt_deg: float = 60.0
) -> float:
    """How far to trust a length measured in the picture, for a 3D ``segment`` (camera
    axes): 1 while it lies within ``trusted_tilt_deg`` of the picture's plane, 0 when it
    points more than ``edge_on_tilt_deg`` towards the camera (foreshortened to half its
    length or less); the same ramp as ``picture_weight``."""
    length = float(np.linalg.norm(segment))
    if not length > 0:
        return 1.0
    return _trust(float(np.hypot(segment[0], segment[1])) / length, trusted_tilt_deg, edge_on_tilt_deg)


def _trust(cos_tilt: float, trusted_tilt_deg: float, edge_on_tilt_deg: float) -> float:
    """1 for a tilt up to ``trusted_tilt_deg``, 0 beyond ``edge_on_tilt_deg``, linear in
    the cosine between."""
    trusted, edge_on = np.cos(np.radians(trusted_tilt_deg)), np.cos(np.radians(edge_on_tilt_deg))
    return float(np.clip((cos_tilt - edge_on) / (trusted - edge_on), 0.0, 1.0))


def height_above(a: np.ndarray, b: np.ndarray) -> float:
    """How far a is above b along y, which grows downwards in the picture and in
    MediaPipe's 3D landmarks alike (pixels or metres)."""
    return float(b[1] - a[1])


def swing_deg(a: np.ndarray, b: np.ndarray, facing: float) -> float:
    """Angle of a->b from straight down, positive towards the way the person faces.

    ``facing`` is +1 when the person faces image-right, -1 for image-left. A thigh
    stepping forward swings positive, one stepping back negative: the sign a side-view
    split stance needs, which an unsigned angle cannot give.
    """
    dx, dy = b - a
    if not (dx or dy) or facing == 0 or facing != facing:
        return float("nan")
    return float(np.degrees(np.arctan2(dx * np.sign(facing), dy)))


def lateral(p: np.ndarray, origin: np.ndarray, axis_from: np.ndarray, axis_to: np.ndarray) -> float:
    """How far p lies from origin along the axis_from->axis_to direction, in axis lengths.

    With the hips as the axis it tells which way the knees have rolled: towards the
    working side's hip (positive) or away. The image-plane axis is foreshortened when the
    camera is side-on, so its scale depends on the view; exercises use it relative to the
    person's own rest value.
    """
    axis = axis_to - axis_from
    norm2 = float(np.dot(axis, axis))
    if not norm2 > 0:
        return float("nan")
    return float(np.dot(p - origin, axis) / norm2)
