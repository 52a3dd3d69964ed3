"""A pinhole camera orbiting a target point, and projection to pixels.

World frame: y up, the floor at y = 0, the exercise mat along x.  Azimuth 0
looks from +z towards -z (a side view of the mat); azimuth 90 looks from +x
along the mat.  Elevation is the angle above the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

#: Vertical field of view of a landscape frame; a portrait frame is the same lens turned
#: on its side, so this is the field of view across the short side either way.
SHORT_SIDE_FOV_DEG = 40.0


def lens_fov_y(width: int, height: int) -> float:
    """Vertical field of view for a ``width`` x ``height`` frame of the same lens.

    A phone turned upright keeps its lens: its tall side gets the wide angle. A fixed
    vertical angle would make a portrait frame so narrow that a person lying on the floor
    only fits from beyond the room's walls.
    """
    if width >= height:
        return SHORT_SIDE_FOV_DEG
    return float(np.degrees(2 * np.arctan(np.tan(np.radians(SHORT_SIDE_FOV_DEG) / 2) * height / width)))


@dataclass(frozen=True)
class Camera:
    azimuth_deg: float
    elevation_deg: float
    distance_m: float
    target: tuple[float, float, float]
    width: int
    height: int
    fov_y_deg: float = SHORT_SIDE_FOV_DEG
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


@dataclass(frozen=True)
class CameraPath:
    """The camera of every frame: ``camera``'s azimuth swept linearly by ``drift_deg``
    over the clip, centred on it (a phone on a slowly turning stand)."""

    camera: Camera
    frames: int
    drift_deg: float = 0.0

    def at(self, i: int) -> Camera:
        if not self.drift_deg:
            return self.camera
        u = i / max(self.frames - 1, 1) - 0.5
        return replace(self.camera, azimuth_deg=self.camera.azimuth_deg + u * self.drift_deg)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Per-frame world points (frames, ..., 3) -> pixels (frames, ..., 2)."""
        if not self.drift_deg:
            return self.camera.project(points)
        return np.stack([self.at(i).project(p) for i, p in enumerate(points)])
