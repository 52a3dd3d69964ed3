"""The smoothing stage as every consumer of raw poses runs it: the exercise pipeline and
the recognition's rules must see the same landmarks, or they would judge different
bodies."""

from __future__ import annotations

from formcheck.core.frame import PoseFrame
from formcheck.smoothing.one_euro import LandmarkFilter, OneEuroSmoother


class SmoothingStage:
    """Raw pose in, smoothed pose out: mirrored back first when the video is a selfie
    view, and never blended across a camera cut."""

    def __init__(self, mirrored: bool = False, smoother: LandmarkFilter | None = None) -> None:
        self.mirrored = mirrored
        self.smoother = smoother or OneEuroSmoother()

    def update(self, pose: PoseFrame) -> PoseFrame:
        if self.mirrored:
            pose = pose.mirrored()
        if pose.scene_cut:
            self.smoother.reset()
        return self.smoother.update(pose)
