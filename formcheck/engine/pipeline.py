"""The per-frame stage chain shared by every front end:
pose -> smoothing -> exercise rules -> session.
"""

from __future__ import annotations

from formcheck.core.frame import PoseFrame
from formcheck.engine.evaluator import EngineParams, ExerciseEvaluator, FrameState
from formcheck.engine.pose_stage import PoseStage
from formcheck.engine.session import Session
from formcheck.engine.stride import HeldPoses, StrideParams
from formcheck.exercises.schema import Exercise
from formcheck.pose import PoseEstimator
from formcheck.smoothing.one_euro import LandmarkFilter
from formcheck.smoothing.stage import SmoothingStage
from formcheck.sources.video import SourceInfo, VideoFrame


class Pipeline:
    """The stages after the source, for one exercise: pose, smoothing, rules, session.

    Shared by recorded analysis and live coaching; drawing is left to the front end.
    """

    def __init__(
        self,
        exercise: Exercise,
        source: SourceInfo,
        estimator: PoseEstimator | None = None,
        params: EngineParams | None = None,
        smoother: LandmarkFilter | None = None,
        mirrored: bool = False,
        live_stride: StrideParams | None = None,
    ) -> None:
        self.estimator = estimator
        self.pose = PoseStage(estimator) if estimator is not None else None
        # live_stride: ``estimate`` lets the model skip still frames, holding the last
        # landmarks (``HeldPoses``; a recorded analysis strides with ``StridedPoses``)
        self.held = HeldPoses(self.pose, live_stride) if self.pose is not None and live_stride else None
        # mirrored: a selfie-mirrored source, whose pose model's sides are swapped
        self.smoothing = SmoothingStage(mirrored, smoother)
        self.evaluator = ExerciseEvaluator(exercise, params)
        self.session = Session(exercise, source)

    def process(self, frame: VideoFrame) -> FrameState:
        """The pose stage on a video frame (the model, or with ``live_stride`` perhaps the
        model's last landmarks held), then the rest of the stages."""
        return self.step(self.estimate(frame))

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        """The pose stage alone (what a landmark track stores)."""
        if self.pose is None:
            raise RuntimeError("this pipeline was built without a pose estimator")
        return self.held.estimate(frame) if self.held is not None else self.pose.estimate(frame)

    def step(self, pose: PoseFrame) -> FrameState:
        """The stages after the pose model, for one frame."""
        state = self.evaluator.update(self.smoothing.update(pose))
        self.session.add(state)
        return state

    def finish(self) -> Session:
        """End of stream: close holds and faults; returns the complete session."""
        self.session.close(self.evaluator.finish())
        return self.session

    def close(self) -> None:
        if self.estimator is not None:
            self.estimator.close()
