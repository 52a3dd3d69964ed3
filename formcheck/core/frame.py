"""The one frame type that flows through every stage after the pose backend."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from formcheck.core.landmarks import MIRRORED_ORDER, NUM_LANDMARKS


@dataclass(frozen=True)
class PoseFrame:
    """Landmarks of one person in one video frame.

    ``xy`` is in image pixels (x right, y down) so that angles are true image-plane
    angles whatever the aspect ratio; ``z`` is the backend's relative depth in the same
    pixel scale (less reliable, used only for hints); ``visibility`` is in [0, 1].
    ``xy`` rows are NaN when the frame has no person. ``world`` is the backend's metric
    3D estimate (metres, origin between the hips, axes as the camera's), or None where
    the backend or a recorded track has none: its angles do not shrink when a limb
    points towards the camera, as image-plane angles do.
    """

    index: int
    timestamp_s: float
    image_size: tuple[int, int]  # (width, height)
    xy: np.ndarray  # (33, 2) float
    z: np.ndarray  # (33,) float
    visibility: np.ndarray  # (33,) float
    brightness: float = float("nan")  # mean image luminance 0-255, when the image was seen
    scene_cut: bool = False  # this frame starts a new shot (an edited video)
    people: int | None = None  # people the backend last saw in the picture; None: not counted
    world: np.ndarray | None = None  # (33, 3) metres, when the backend gives it
    interpolated: bool = False  # landmarks between two frames the model saw (engine/stride.py), not the model's

    def __post_init__(self) -> None:
        shapes = {
            "xy": (self.xy.shape, (NUM_LANDMARKS, 2)),
            "z": (self.z.shape, (NUM_LANDMARKS,)),
            "visibility": (self.visibility.shape, (NUM_LANDMARKS,)),
        }
        if self.world is not None:
            shapes["world"] = (self.world.shape, (NUM_LANDMARKS, 3))
        for name, (actual, expected) in shapes.items():
            if actual != expected:
                raise ValueError(f"PoseFrame.{name} must have shape {expected}, got {actual}")

    @cached_property
    def has_person(self) -> bool:
        """Asked by every stage of every exercise's rules for each frame: computed once."""
        return bool(np.isfinite(self.xy).all())

    @classmethod
    def empty(cls, index: int, timestamp_s: float, image_size: tuple[int, int]) -> PoseFrame:
        """A frame in which the backend found nobody."""
        return cls(
            index=index,
            timestamp_s=timestamp_s,
            image_size=image_size,
            xy=np.full((NUM_LANDMARKS, 2), np.nan),
            z=np.full(NUM_LANDMARKS, np.nan),
            visibility=np.zeros(NUM_LANDMARKS),
        )

    def with_points(self, xy: np.ndarray, z: np.ndarray, world: np.ndarray | None = None) -> PoseFrame:
        """A copy with new coordinates (used by filters, which never mutate)."""
        return replace(self, xy=xy, z=z, world=world)

    def with_scene(self, brightness: float, scene_cut: bool = False) -> PoseFrame:
        """A copy with what the picture itself says (see ``formcheck.scene``)."""
        return replace(self, brightness=brightness, scene_cut=scene_cut)

    def mirrored(self) -> PoseFrame:
        """The same points with left and right swapped: the pose model names the sides of
        the person it sees, which in a selfie-mirrored video is the person's mirror image."""
        order = list(MIRRORED_ORDER)
        world = self.world[order] if self.world is not None else None
        return replace(self, xy=self.xy[order], z=self.z[order], visibility=self.visibility[order], world=world)

    def with_people(self, people: int | None) -> PoseFrame:
        """A copy that says how many people the backend saw (see ``formcheck.pose.people``)."""
        return replace(self, people=people)
