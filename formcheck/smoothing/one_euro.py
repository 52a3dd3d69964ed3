"""Velocity-adaptive landmark smoothing (the One Euro filter, Casiez et al., CHI 2012).

A fixed low-pass filter must choose between jitter at rest and lag in motion; the One
Euro filter raises its cutoff with speed, so a person holding still is steady and a
person moving is tracked without visible lag. Coordinates are filtered in units of the
image height so the parameters mean the same at every resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from formcheck.core.frame import PoseFrame


class LandmarkFilter(Protocol):
    """A stateful stage with one verb: frame in, smoothed frame out."""

    def update(self, frame: PoseFrame) -> PoseFrame: ...

    def reset(self) -> None: ...


def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * np.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


@dataclass
class OneEuroParams:
    min_cutoff_hz: float = 1.5  # cutoff at rest: lower is steadier
    beta: float = 8.0  # how fast the cutoff rises with speed (per image-height/s)
    derivative_cutoff_hz: float = 1.0


class OneEuroSmoother:
    """One Euro filter over all landmarks at once; resets when the person is lost."""

    def __init__(self, params: OneEuroParams | None = None) -> None:
        self.params = params or OneEuroParams()
        self.reset()

    def reset(self) -> None:
        self._value: np.ndarray | None = None
        self._speed: np.ndarray | None = None
        self._world: np.ndarray | None = None
        self._t: float | None = None

    def update(self, frame: PoseFrame) -> PoseFrame:
        if not frame.has_person:
            self.reset()
            return frame
        scale = float(frame.image_size[1]) or 1.0
        raw = np.column_stack([frame.xy, frame.z]) / scale
        if self._value is None or self._t is None or frame.timestamp_s <= self._t:
            self._value, self._speed, self._t = raw, np.zeros_like(raw), frame.timestamp_s
            self._world = frame.world
            return frame
        dt = frame.timestamp_s - self._t
        p = self.params
        speed = (raw - self._value) / dt
        a_d = _alpha(p.derivative_cutoff_hz, dt)
        self._speed = a_d * speed + (1.0 - a_d) * self._speed
        cutoff = p.min_cutoff_hz + p.beta * np.linalg.norm(self._speed[:, :2], axis=1, keepdims=True)
        a = _alpha(cutoff, dt)
        self._value = a * raw + (1.0 - a) * self._value
        self._t = frame.timestamp_s
        self._world = self._smoothed_world(frame.world, a)
        out = self._value * scale
        return frame.with_points(out[:, :2], out[:, 2], self._world)

    def _smoothed_world(self, world: np.ndarray | None, a: np.ndarray | float) -> np.ndarray | None:
        """The metric landmarks, blended with the image landmarks' own weights: the
        cutoff follows how fast a joint moves in the picture, so both stay in step."""
        if world is None or self._world is None:
            return world
        return a * world + (1.0 - a) * self._world


class NoSmoother:
    """Pass-through, for measuring what smoothing buys."""

    def update(self, frame: PoseFrame) -> PoseFrame:
        return frame

    def reset(self) -> None:
        pass


SMOOTHERS = {"one_euro": OneEuroSmoother, "none": NoSmoother}
