"""The live coaching loop for one exercise: newest frame -> pipeline -> overlay -> display.

Before counting, the setup check runs on every frame and tells the person what to
change; once it has passed for the whole countdown, a fresh pipeline starts counting.
Keys: space pause/resume, r reset, n next, m mute, i rate/delay on/off, q or Esc quit.
However the loop ends (target met, a key, the window closed, Ctrl-C or SIGTERM, the
end of a file, the camera unplugged), it returns what was counted: the caller saves it.
"""

from __future__ import annotations

import math
import signal
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import numpy as np

from formcheck.core.errors import CameraError
from formcheck.core.state import Sides
from formcheck.engine.evaluator import EngineParams, FrameState
from formcheck.engine.pipeline import Pipeline
from formcheck.engine.session import Session
from formcheck.engine.setup_check import readiness_problem
from formcheck.exercises.schema import Exercise
from formcheck.feedback.cues import Cue, CueMaker
from formcheck.feedback.display import ESC, Display
from formcheck.feedback.hud import LIVE_CORNERS, draw_banner, draw_card, draw_stats
from formcheck.feedback.overlay import Overlay, OverlayStyle
from formcheck.feedback.voice import Speaker
from formcheck.pose import PoseEstimator
from formcheck.reports.video_writer import open_video_writer
from formcheck.sources.camera import LatestFrameGrabber
from formcheck.sources.video import SourceInfo, VideoFrame

KEYS = {" ": "pause", "r": "reset", "n": "next", "m": "mute", "i": "stats", "q": "quit", ESC: "quit"}


@dataclass(frozen=True)
class LiveOptions:
    countdown_s: float = 3.0  # the setup check must pass this long before counting starts
    stop_at_target: bool = False  # a routine moves on when the rep target is met
    show_stats: bool = True
    announce_after_s: float = 1.0  # a setup message must be steady this long to be printed or said
    params: EngineParams = field(default_factory=EngineParams)
    mirrored: bool = False  # the camera or file shows a mirror image: left and right are swapped


@dataclass(frozen=True)
class FrameTiming:
    t: float  # grab time, seconds since the capture started
    delay_s: float  # grab -> shown
    infer_s: float  # pose + rules for this frame


@dataclass
class StepOutcome:
    session: Session
    ended_by: str  # target | next | quit | window | interrupted | source | camera
    target_met: bool
    error: CameraError | None = None


class StopFlag:
    """Set by Ctrl-C or SIGTERM; the loop ends at the next frame and saves."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()


@contextmanager
def graceful_stop() -> Iterator[StopFlag]:
    """SIGINT and SIGTERM set the flag; a second signal interrupts at once."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, _frame: object) -> None:
        if flag:
            raise KeyboardInterrupt
        flag.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


class PacedWriter:
    """The annotated video at the source's frame rate: each image is repeated until the
    next one, so the file plays at the pace of the session however fast it was processed."""

    def __init__(self, path: Path, info: SourceInfo, name: Path | None = None) -> None:
        self._writer = open_video_writer(path, info.fps, info.size, name)
        self._step = 1.0 / info.fps
        self._next: float | None = None

    def write(self, image_bgr: np.ndarray, t: float) -> None:
        if self._next is None:
            self._next = t
        while self._next <= t:
            self._writer.write(image_bgr)
            self._next += self._step

    def close(self) -> None:
        self._writer.close()

    def abort(self) -> None:
        self._writer.abort()


class Steady:
    """Reports a value once it has stayed the same for ``after_s`` (and only once)."""

    def __init__(self, after_s: float) -> None:
        self.after_s = after_s
        self._value: str | None = None
        self._since = 0.0
        self._reported: str | None = None

    def update(self, t: float, value: str | None) -> str | None:
        if value != self._value:
            self._value, self._since = value, t
        if value is not None and value != self._reported and t - self._since >= self.after_s:
            self._reported = value
            return value
        return None


class LiveCoach:
    """Runs exercises one after another on the same camera, model, window and voice."""

    def __init__(
        self,
        grabber: LatestFrameGrabber,
        estimator: PoseEstimator,
        display: Display,
        speaker: Speaker,
        out: TextIO,
        options: LiveOptions = LiveOptions(),
        writer: PacedWriter | None = None,
        stop: StopFlag | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.grabber = grabber
        self.estimator = estimator
        self.display = display
        self.speaker = speaker
        self.out = out
        self.options = options
        self.writer = writer
        self.stop = stop if stop is not None else StopFlag()
        self.show_stats = options.show_stats
        self.timings: list[FrameTiming] = []
        self._recent: deque[FrameTiming] = deque(maxlen=30)

    # -- helpers ---------------------------------------------------------------------
    def _print(self, t: float, text: str) -> None:
        print(f"{t:7.2f}s  {text}", file=self.out, flush=True)

    def _tell(self, t: float, text: str, cue: Cue | None = None) -> None:
        self._print(t, text)
        self.speaker.say(*((cue.text, cue.max_age_s, cue.repeat) if cue else (text, 4.0, False)))

    def _stats_line(self) -> tuple[float, float]:
        recent = list(self._recent)
        if len(recent) < 2:
            return 0.0, 0.0
        span = recent[-1].t - recent[0].t
        fps = (len(recent) - 1) / span if span > 0 else 0.0
        return fps, statistics.median(r.delay_s for r in recent) * 1000.0

    def _pipeline(self, exercise: Exercise) -> Pipeline:
        return Pipeline(
            exercise, self.grabber.info, self.estimator, self.options.params, mirrored=self.options.mirrored
        )

    def _render(
        self,
        frame: VideoFrame,
        state: FrameState | None,
        overlay: Overlay,
        banner: str,
        card: tuple[str, list[str]] | None,
    ) -> np.ndarray:
        image = frame.image_bgr.copy()
        if state is not None:
            overlay.annotate(image, state)
        if card is not None:
            draw_card(image, *card)
        if banner:
            draw_banner(image, banner)
        if self.show_stats:
            draw_stats(image, *self._stats_line(), self.grabber.dropped)
        return image

    # -- the loop --------------------------------------------------------------------
    def run(self, exercise: Exercise, target: int | None = None, intro: list[str] | None = None) -> StepOutcome:
        """Coach one exercise until it ends; ``target`` reps (per side) for a routine."""
        opts = self.options
        pipeline = self._pipeline(exercise)
        overlay = Overlay(exercise, pipeline.evaluator.measures, OverlayStyle(corners=LIVE_CORNERS))
        counting, ok_since, paused = False, None, False
        spoken_number: int | None = None
        announce = Steady(opts.announce_after_s)
        cues = CueMaker(exercise.sides is Sides.EACH)
        sides_done: set[str] = set()
        last_count = -1
        card = (exercise.name, (intro or []) + [f"Camera: {exercise.setup.camera}"])
        ended_by, error = "", None
        try:
            while not ended_by:
                if self.stop:
                    ended_by = "interrupted"
                    break
                frame = self.grabber.read(timeout=0.05)
                if frame is None:
                    if self.grabber.finished:
                        ended_by = "source"
                    keys = self.display.show(None)
                else:
                    started = time.perf_counter()
                    banner, state = "", None
                    if paused:
                        banner = "Paused"
                    else:
                        state = pipeline.process(frame)
                        t = frame.timestamp_s
                        if not counting:
                            problem = readiness_problem(
                                exercise, state.frame.has_person, state.setup_problems, state.posture
                            )
                            ok_since = None if problem else (t if ok_since is None else ok_since)
                            left = opts.countdown_s - (t - ok_since) if ok_since is not None else math.inf
                            said = announce.update(t, problem)
                            if said:
                                self._tell(t, f"setup: {said}", Cue(said, 4.0, repeat=False))
                            if left <= 0:
                                counting, pipeline = True, self._pipeline(exercise)
                                self._tell(t, "counting", Cue("Go", 1.5))
                                state = None
                            else:
                                number = math.ceil(left) if math.isfinite(left) else None
                                banner = str(number) if number else ""
                                if number and number != spoken_number:
                                    spoken_number = number
                                    self.speaker.say(str(number), 0.8)
                                state = replace(state, message=problem or "Get ready: counting starts soon.")
                        else:
                            for event in state.events:
                                print(event.describe(), file=self.out, flush=True)
                            for cue in cues.update(state):
                                self.speaker.say(cue.text, cue.max_age_s, cue.repeat)
                            ended_by = self._targets(t, state, exercise, target, sides_done, last_count)
                            last_count = state.counts.total
                    infer_s = time.perf_counter() - started
                    image = self._render(frame, state, overlay, banner, None if counting else card)
                    keys = self.display.show(image)
                    if self.writer is not None:
                        self.writer.write(image, frame.timestamp_s)
                    timing = FrameTiming(frame.timestamp_s, self.grabber.now() - frame.timestamp_s, infer_s)
                    self.timings.append(timing)
                    self._recent.append(timing)
                if self.display.closed:
                    ended_by = ended_by or "window"
                for action in (KEYS.get(k) for k in keys):
                    if action == "pause":
                        paused = not paused
                    elif action == "reset":
                        counting, ok_since, pipeline = False, None, self._pipeline(exercise)
                        cues, sides_done = CueMaker(exercise.sides is Sides.EACH), set()
                    elif action == "mute":
                        self.speaker.toggle_mute()
                    elif action == "stats":
                        self.show_stats = not self.show_stats
                    elif action in ("next", "quit"):
                        ended_by = ended_by or action
        except CameraError as exc:
            ended_by, error = "camera", exc
        except KeyboardInterrupt:
            ended_by = "interrupted"
        session = (pipeline if counting else self._pipeline(exercise)).finish()
        return StepOutcome(session, ended_by, target is not None and session.counts.met(target), error)

    def _targets(
        self, t: float, state: FrameState, exercise: Exercise, target: int | None, sides_done: set[str], last_count: int
    ) -> str:
        """Say "switch sides" and "well done" as targets are met; "target" ends a routine step."""
        goal = target if target is not None else exercise.rep.target
        if goal is None or state.counts.total == last_count:
            return ""
        for side in state.counts.sides_done(goal):
            if side not in sides_done:
                sides_done.add(side)
                if len(sides_done) < 2:
                    self._tell(t, f"{side} side done: switch sides", Cue("Switch sides", 3.0))
        if "all" not in sides_done and state.counts.met(goal):
            sides_done.add("all")
            self._tell(t, f"target of {goal} reached", Cue("Well done", 3.0))
            return "target" if self.options.stop_at_target else ""
        return ""

    def summary(self) -> dict[str, float]:
        """Processing rate and delay over the whole run (for the benchmark and tests)."""
        if len(self.timings) < 2:
            return {}
        delays = sorted(x.delay_s for x in self.timings)
        span = self.timings[-1].t - self.timings[0].t
        return {
            "processed_fps": (len(self.timings) - 1) / span if span > 0 else 0.0,
            "delay_median_s": statistics.median(delays),
            "delay_p95_s": delays[min(int(0.95 * len(delays)), len(delays) - 1)],
            "infer_median_s": statistics.median(x.infer_s for x in self.timings),
        }
