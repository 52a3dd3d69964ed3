"""Exercise measures evaluated on a frame, for one working side.

Each measure is compiled once from its spec into landmark indices; evaluating it is a
few numpy operations. A measure whose landmarks are not confidently visible is NaN, so
an occluded or guessed joint can never drive a count or raise a fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.core import geometry
from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import SIDES, Landmark, resolve_point
from formcheck.exercises.kinds import PAST_STRAIGHT_MAX_DEG
from formcheck.exercises.schema import MeasureSpec

#: Trunk lean from vertical beyond which the shoulders, not the face, say the facing.
LEAN_FACING_DEG = 30.0


def facing_of(frame: PoseFrame) -> float:
    """+1 when the person faces image-right, -1 image-left.

    Upright, the nose leads the ears. Bent forward (over the front leg in a hip stretch,
    hands down in a lunge) the head is bowed or hangs, the nose leads the ears by a few
    pixels either way and the pose model's guess flips; the shoulders, though, are
    then well ahead of the hips in the way the body faces. That assumes the lean is
    forward, true of every exercise with a swing measure (hip stretch, shoulder blade
    squeeze), and a side view, which is what their camera advice asks for.
    """
    trunk = (
        frame.xy[Landmark.LEFT_SHOULDER]
        + frame.xy[Landmark.RIGHT_SHOULDER]
        - frame.xy[Landmark.LEFT_HIP]
        - frame.xy[Landmark.RIGHT_HIP]
    ) / 2.0
    if abs(trunk[0]) > abs(trunk[1]) * np.tan(np.radians(LEAN_FACING_DEG)):
        return float(np.sign(trunk[0]))
    ears = (frame.xy[Landmark.LEFT_EAR, 0] + frame.xy[Landmark.RIGHT_EAR, 0]) / 2.0
    return float(np.sign(frame.xy[Landmark.NOSE, 0] - ears))


def body_axis(world: np.ndarray) -> np.ndarray:
    """The body's left-to-right axis in the metric 3D landmarks (shoulders and hips).

    The seed exercises bend the body in its own sagittal plane, whose normal this is: it
    says how squarely the camera sees those bends. A limb's own three points give a
    plane too, but one that is lost as the limb straightens (a bridge's hip at 170
    degrees), where the depth estimate's noise tips it any way."""
    return (
        world[Landmark.RIGHT_SHOULDER]
        - world[Landmark.LEFT_SHOULDER]
        + world[Landmark.RIGHT_HIP]
        - world[Landmark.LEFT_HIP]
    )


@dataclass(frozen=True)
class CompiledMeasure:
    name: str
    spec: MeasureSpec
    points: tuple[tuple[int, ...], ...]
    per: tuple[tuple[int, ...], ...]
    used: np.ndarray = field(compare=False)  # every landmark the measure reads, for the visibility test
    #: What the value depends on besides the frame: two exercises' measures with the same
    #: key have the same value on a frame (see ``MeasureSet.evaluate``).
    key: tuple[object, ...]
    #: ``points`` and ``per`` as index arrays (a single landmark as its int), ready for
    #: numpy: a list index is converted again on every call.
    point_index: tuple[int | np.ndarray, ...] = field(compare=False)
    per_index: tuple[int | np.ndarray, ...] = field(compare=False)

    @classmethod
    def compile(cls, name: str, spec: MeasureSpec, side: str) -> CompiledMeasure:
        points = tuple(resolve_point(p, side) for p in spec.points)
        per = tuple(resolve_point(p, side) for p in spec.per or ())
        key = (spec.kind, spec.resolved_space, spec.min_visibility, spec.past_straight, points, per)
        used = np.array([i for group in points + per for i in group], dtype=np.intp)
        return cls(name, spec, points, per, used, key, _index(points), _index(per))

    def evaluate(self, frame: PoseFrame, min_visibility: float) -> float:
        """The measure, or NaN when a landmark it reads is below the visibility threshold
        (the measure's own, when its spec sets one)."""
        if self.spec.min_visibility is not None:
            min_visibility = self.spec.min_visibility
        if not frame.has_person or float(frame.visibility[self.used].min()) < min_visibility:
            return float("nan")
        space = self.spec.resolved_space
        if space != "image" and frame.world is not None:
            return self._in_world(frame, space)
        return self._in_picture(frame)

    def _in_picture(self, frame: PoseFrame) -> float:
        """The measure from the picture's (2D image) landmarks."""
        pts = self._points(frame.xy, self.point_index)
        refs = self._points(frame.xy, self.per_index)
        kind = self.spec.kind
        if kind == "angle":
            return self._angle(*pts)
        if kind == "inclination":
            return geometry.inclination_deg(*pts)
        if kind == "offset":
            return geometry.offset_from_line(*pts)
        if kind == "swing":
            return geometry.swing_deg(*pts, facing_of(frame))
        if kind == "lateral":
            return geometry.lateral(*pts, *refs)
        ref = geometry.distance(*refs)
        if not ref > 0:
            return float("nan")
        if kind == "distance":
            return geometry.distance(*pts) / ref
        return geometry.height_above(*pts) / ref  # kind == "height"

    def _angle(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        """The angle at ``b``, read past 180 when the spec asks (``past_straight = "up"``)."""
        if self.spec.past_straight == "up":
            return geometry.angle_up_past_straight_deg(a, b, c, PAST_STRAIGHT_MAX_DEG)
        return geometry.angle_deg(a, b, c)

    def _blended(self, weight: float, frame: PoseFrame, world_value: float) -> float:
        """The picture's value and the 3D one, by the picture's ``weight``; a side weighted
        0 is not read, so that its NaN (an angle past straight beyond the limit in 3D while
        the picture sees the body square-on) does not blank the other's value."""
        if weight >= 1.0:
            return self._in_picture(frame)
        if weight <= 0.0:
            return world_value
        return weight * self._in_picture(frame) + (1.0 - weight) * world_value

    @staticmethod
    def _points(coords: np.ndarray, groups: tuple[int | np.ndarray, ...]) -> list[np.ndarray]:
        """Each group's mean point (a single landmark read as it is: ``mean`` on one
        row costs more than the geometry after it). The sum over the rows divided by
        their number is what ``ndarray.mean`` computes, bit for bit, at half its cost."""
        return [coords[group] if isinstance(group, int) else coords[group].sum(axis=0) / len(group) for group in groups]

    def _in_world(self, frame: PoseFrame, space: str) -> float:
        """A measure from the metric 3D landmarks (``space`` world), or blended between
        the picture's and the 3D one (``fused``). ``evaluate`` measures a frame without
        3D landmarks (an old track) in the picture.

        The 3D landmarks' y axis is the camera's vertical, as the picture's is, so a
        height means the same in both, but its reference length is the body's own, not
        foreshortened when the segment points at the camera. A fused angle trusts the
        picture while the plane of the bend faces the camera; a fused height, while its
        reference segment lies across the picture (seen end-on, the 3D depth of a head
        dropping towards the camera is the weaker guess)."""
        world = frame.world
        pts = self._points(world, self.point_index)
        refs = self._points(world, self.per_index)
        kind = self.spec.kind
        if kind == "lateral":
            return geometry.lateral(*pts, *refs)
        if kind in ("distance", "height"):
            ref = geometry.distance(*refs)
            if not ref > 0:
                return float("nan")
            along = geometry.distance if kind == "distance" else geometry.height_above
            world_value = along(*pts) / ref
            if space == "world":
                return world_value
            return self._blended(geometry.segment_picture_weight(refs[1] - refs[0]), frame, world_value)
        world_angle = self._angle(*pts)
        if space == "world":
            return world_angle
        return self._blended(geometry.picture_weight(body_axis(world)), frame, world_angle)


def _index(groups: tuple[tuple[int, ...], ...]) -> tuple[int | np.ndarray, ...]:
    """Landmark groups as ``CompiledMeasure._points`` reads them."""
    return tuple(group[0] if len(group) == 1 else np.array(group, dtype=np.intp) for group in groups)


#: Reads a value of a frame once, for all who ask (``FrameReadings.read``): (frame, key, compute) -> value.
Reader = Callable[[PoseFrame, Any, Callable[[], Any]], Any]


def _compute(_frame: PoseFrame, _key: Any, compute: Callable[[], Any]) -> Any:
    """The reader that shares nothing: every value computed where it is asked for."""
    return compute()


class MeasureSet:
    """All of an exercise's measures, compiled for both sides."""

    def __init__(self, specs: dict[str, MeasureSpec], min_visibility: float) -> None:
        self.min_visibility = min_visibility
        self._compiled = {
            side: [CompiledMeasure.compile(name, spec, side) for name, spec in specs.items()] for side in SIDES
        }

    def evaluate(self, frame: PoseFrame, side: str, read: Reader | None = None) -> dict[str, float]:
        """Every measure on a side; through ``read`` (``FrameReadings.read``), a value
        another exercise has already measured on this frame is reused."""
        read = read or _compute
        return {
            m.name: read(frame, (m.key, self.min_visibility), lambda m=m: m.evaluate(frame, self.min_visibility))
            for m in self._compiled[side]
        }

    def names(self) -> list[str]:
        return [m.name for m in self._compiled["left"]]

    def points_of(self, name: str, side: str) -> tuple[tuple[int, ...], ...]:
        """Landmark groups of a measure, for drawing it where it is measured."""
        for m in self._compiled[side]:
            if m.name == name:
                return m.points
        raise KeyError(name)
