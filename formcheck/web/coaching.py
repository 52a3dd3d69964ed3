"""Live coaching for the browser: frames from the page's camera in, the state the page
draws out. The engine is the shared ``Pipeline``, as in ``formcheck live``.

``WebCoach`` walks through steps (one for live coaching, a routine's for the routine):
the set-up check runs on every frame until it has passed for the countdown, then a
fresh pipeline counts. It is driven by one thread at a time (the WebSocket's worker),
so it needs no locks. Whatever ends a session (the Finish button, the target in a
routine, the page closed), ``finish`` returns what was counted, step by step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from formcheck.core.ending import EndReason
from formcheck.core.landmarks import SKELETON
from formcheck.core.reasons import Declared, Note, Reason
from formcheck.core.state import Sides
from formcheck.engine.evaluator import EngineParams, FrameState
from formcheck.engine.pipeline import Pipeline
from formcheck.engine.setup_check import is_floor_exercise, readiness_problem
from formcheck.exercises.routine import RoutineStep
from formcheck.feedback.cues import CueMaker
from formcheck.feedback.wording import say, step_intro
from formcheck.live.countdown import GET_READY, GO, Steady
from formcheck.live.targets import SWITCH_SIDES, WELL_DONE
from formcheck.pose import PoseEstimator
from formcheck.reports.report import CAUTION
from formcheck.reports.routine import StepResult
from formcheck.sources.video import SourceInfo, VideoFrame

SOURCE_NAME = "browser camera"
FLOOR_ADVICE = Note(Reason.FLOOR_ADVICE)
COUNTING = Note(Reason.COUNTING)


class Phase(str, Enum):
    SETUP = "setup"  # the set-up check runs; counting has not started
    COUNTING = "counting"
    PAUSED = "paused"
    DONE = "done"


class Action(str, Enum):
    """What the page's buttons and keys ask for."""

    PAUSE = "pause"  # pause or resume
    RESET = "reset"  # count again from zero, set-up check first
    NEXT = "next"  # the next exercise of a routine (in live coaching: finish)
    FINISH = "finish"


def step_info(step: RoutineStep) -> dict[str, Any]:
    """What the page shows before an exercise: instructions, camera advice, target."""
    ex = step.exercise
    camera = [ex.setup.camera] + ([say(FLOOR_ADVICE)] if is_floor_exercise(ex) else [])
    return {
        "exercise": ex.id,
        "name": ex.name,
        "intro": step_intro(step),
        "camera": camera,
        "target": step.reps,
        "sides": ex.sides,
        "hold_target_s": ex.hold.target_s if ex.hold else None,
        "activity": ex.activity is not None,
    }


@dataclass
class _Live:
    """The running step: its pipeline and what the set-up check and cues remember."""

    pipeline: Pipeline
    cues: CueMaker
    announce: Steady
    ok_since: float | None = None
    spoken_number: int | None = None
    extra_cues: list[str] = field(default_factory=list)
    done: set[str] = field(default_factory=set)  # sides (and "all") whose target was met


class WebCoach:
    """Coaches ``steps`` one after another on frames the browser sends."""

    def __init__(
        self,
        steps: list[RoutineStep],
        estimator: PoseEstimator,
        size: tuple[int, int],
        countdown_s: float = 3.0,
        stop_at_target: bool = False,
        params: EngineParams | None = None,
    ) -> None:
        self.steps = steps
        self.estimator = estimator
        self.countdown_s = countdown_s
        self.stop_at_target = stop_at_target
        self.params = params or EngineParams()
        self.info = SourceInfo(SOURCE_NAME, 30.0, 0, size)
        self.results: list[StepResult] = []
        self.index = 0
        self.phase = Phase.SETUP
        self._paused_from = Phase.SETUP
        self._frames = 0
        self._live = self._start()

    # -- steps -------------------------------------------------------------------------
    @property
    def step(self) -> RoutineStep:
        return self.steps[self.index]

    def _start(self) -> _Live:
        ex = self.step.exercise
        name = say(Note(Reason.EXERCISE_NAME, Declared(ex.name)))
        return _Live(self._pipeline(), CueMaker(ex.sides is Sides.EACH), Steady(1.0), extra_cues=[name])

    def _pipeline(self) -> Pipeline:
        return Pipeline(self.step.exercise, self.info, self.estimator, self.params)

    def _end_step(self, ended_by: EndReason) -> None:
        """Close the step (an unstarted one has an empty session) and move on."""
        session = self._live.pipeline.finish() if self.phase_counting else self._pipeline().finish()
        self.results.append(StepResult(self.step, session, ended_by, self.step.target_met(session.counts)))
        if self.index + 1 < len(self.steps) and ended_by.moves_on:
            self.index += 1
            self.phase = Phase.SETUP
            self._live = self._start()
        else:
            self.phase = Phase.DONE

    @property
    def phase_counting(self) -> bool:
        return self.phase is Phase.COUNTING or (self.phase is Phase.PAUSED and self._paused_from is Phase.COUNTING)

    # -- controls ----------------------------------------------------------------------
    def control(self, action: Action) -> None:
        if self.phase is Phase.DONE:
            return
        if action is Action.PAUSE:
            if self.phase is Phase.PAUSED:
                self.phase = self._paused_from
            else:
                self._paused_from, self.phase = self.phase, Phase.PAUSED
        elif action is Action.RESET:
            self.phase, self._live = Phase.SETUP, self._start()
        elif action is Action.NEXT:
            self._end_step(EndReason.NEXT)
        elif action is Action.FINISH:
            self.finish(EndReason.FINISH)

    def finish(self, ended_by: EndReason = EndReason.CLOSED) -> list[StepResult]:
        """End the session (the page closed or Finish pressed); returns every step's result."""
        if self.phase is not Phase.DONE:
            self._end_step(ended_by)
            self.phase = Phase.DONE
        return self.results

    # -- frames ------------------------------------------------------------------------
    def frame(self, image_bgr: np.ndarray, t: float) -> dict[str, Any]:
        """Process one frame (seconds ``t`` since the session began); returns the state message."""
        if self.phase in (Phase.PAUSED, Phase.DONE):
            return self._message(None, None, [])
        frame = VideoFrame(self._frames, t, image_bgr)
        self._frames += 1
        live = self._live
        state = live.pipeline.process(frame)
        cues, live.extra_cues = live.extra_cues, []
        countdown: int | None = None
        message = say(state.message)
        if self.phase is Phase.SETUP:
            ex = self.step.exercise
            problem = readiness_problem(ex, state.frame.has_person, state.setup_problems, state.posture)
            live.ok_since = None if problem else (t if live.ok_since is None else live.ok_since)
            left = self.countdown_s - (t - live.ok_since) if live.ok_since is not None else math.inf
            said = live.announce.update(t, problem)
            if said:
                cues.append(say(said))
            if left <= 0:
                self.phase, live.pipeline = Phase.COUNTING, self._pipeline()
                cues.append(say(GO))
                message = say(COUNTING)
            else:
                countdown = math.ceil(left) if math.isfinite(left) else None
                if countdown and countdown != live.spoken_number:
                    live.spoken_number = countdown
                    cues.append(str(countdown))
                message = say(problem or GET_READY)
        else:
            cues += [c.text for c in live.cues.update(state)]
            cues += self._targets(state)
        return self._message(state, countdown, cues, message)

    def _targets(self, state: FrameState) -> list[str]:
        """ "Switch sides" and "Well done" as targets are met; in a routine the target ends the step."""
        live, step = self._live, self.step
        cues = []
        for side in state.counts.sides_done(step.reps):
            if side not in live.done:
                live.done.add(side)
                cues += [] if step.target_met(state.counts) else [say(SWITCH_SIDES)]
        if step.target_met(state.counts) and "all" not in live.done:
            live.done.add("all")
            cues.append(say(WELL_DONE))
            if self.stop_at_target:
                self._end_step(EndReason.TARGET)
        return cues

    def _message(
        self, state: FrameState | None, countdown: int | None, cues: list[str], message: str = ""
    ) -> dict[str, Any]:
        step = self.step
        out: dict[str, Any] = {
            "type": "state",
            "phase": self.phase.value,
            "step": self.index,
            "exercise": step.exercise.id,
            "countdown": countdown,
            "cues": cues,
        }
        if state is None:
            return out
        w, h = state.frame.image_size
        landmarks = (
            [
                [round(float(x) / w, 4), round(float(y) / h, 4), round(float(v), 2)]
                for (x, y), v in zip(state.frame.xy, state.frame.visibility)
            ]
            if state.frame.has_person
            else None
        )
        out.update(
            {
                "message": message,
                "counts": dict(state.counts),
                "target": step.reps,
                "engine_phase": state.phase,
                "side": state.side,
                "hold_s": round(state.hold_elapsed, 1),
                "hold_target_s": state.hold_target,
                "active_s": None if state.active_s is None else round(state.active_s, 1),
                "landmarks": landmarks,
            }
        )
        return out


def hello(steps: list[RoutineStep], routine: str | None) -> dict[str, Any]:
    """The first message: the caution, the skeleton's bones and every step's intro."""
    return {
        "type": "hello",
        "caution": CAUTION,
        "routine": routine,
        "skeleton": [[int(a), int(b)] for a, b in SKELETON],
        "steps": [step_info(s) for s in steps],
    }
