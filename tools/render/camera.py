"""A pinhole camera orbiting a target point, and projection to pixels.

World frame: y up, the floor at y = 0, the exercise mat along x.  Azimuth 0
looks from +z towards -z (a side view of the mat); azimuth 90 looks from +x
along the mat.  Elevation is the angle above the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Camera:
    azimuth_deg: float
    elevation_deg: float
    distance_m: float
    target: tuple[float, float, float]
    width: int
    height: int
    fov_y_deg: float = 40.0
    near: float = 0.05
    far: float = 30.0

    @property
    def eye(self) -> np.ndarray:
        az, el = np.radians(self.azimuth_deg), np.radians(self.elevation_deg)
        offset = np.array([np.sin(az) * np.cos(el), np.sin(el), np.cos(az) * np.cos(el)])
        return np.asarray(self.target) + self.distance_m * offset

    def view(self) -> np.ndarray:
        """World -> camera (OpenGL convention: camera looks down -z, y up)."""
        f = np.asarray(self.target) - self.eye
        f /= np.linalg.norm(f)
        r = np.cross(f, [0.0, 1.0, 0.0])
        r /= np.linalg.norm(r)
        u = np.cross(r, f)
        m = np.eye(4)
        m[0, :3], m[1, :3], m[2, :3] = r, u, -f
        m[:3, 3] = -m[:3, :3] @ self.eye
        return m

    def projection(self) -> np.ndarray:
        t = 1.0 / np.tan(np.radians(self.fov_y_deg) / 2)
        aspect = self.width / self.height
        n, f = self.near, self.far
        return np.array(
            [
                [t / aspect, 0, 0, 0],
                [0, t, 0, 0],
                [0, 0, (f + n) / (n - f), 2 * f * n / (n - f)],
                [0, 0, -1, 0],
            ]
        )

    def view_projection(self) -> np.ndarray:
        return self.projection() @ self.view()

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) -> pixel coordinates (..., 2), x right, y down."""
        p = np.concatenate([points, np.ones(points.shape[:-1] + (1,))], axis=-1)
        clip = p @ self.view_projection().T
        ndc = clip[..., :2] / clip[..., 3:4]
        x = (ndc[..., 0] + 1) * 0.5 * self.width
        y = (1 - ndc[..., 1]) * 0.5 * self.height
        return np.stack([x, y], axis=-1)
