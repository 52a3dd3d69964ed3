"""The live coaching loop for one exercise: newest frame -> pipeline -> overlay -> display.

Each pass of the loop reads the newest frame and hands it to small stages: before
counting, the setup check and countdown (``live/countdown.py``); while counting, the
events, cues and the rep target (``live/targets.py``); then the window's keys
(``live/keys.py``). However the loop ends (target met, a key, the window closed, Ctrl-C
or SIGTERM, the end of a file, the camera unplugged: an ``EndReason``), it returns what
was counted: the caller saves it.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TextIO

import numpy as np

from formcheck.core.ending import EndReason
from formcheck.core.errors import CameraError
from formcheck.core.interrupts import StopFlag
from formcheck.core.reasons import Declared, Note, Reason, Slow
from formcheck.core.state import Sides
from formcheck.engine.evaluator import EngineParams, FrameState
from formcheck.engine.pipeline import Pipeline
from formcheck.engine.pose_stage import PoseStage
from formcheck.engine.session import Session
from formcheck.engine.stride import StrideParams
from formcheck.exercises.schema import Exercise
from formcheck.feedback.cues import Cue, CueMaker
from formcheck.feedback.display import Display
from formcheck.feedback.hud import LIVE_CORNERS, draw_banner, draw_card, draw_stats, draw_warning
from formcheck.feedback.overlay import Overlay, OverlayStyle
from formcheck.feedback.voice import Speaker
from formcheck.feedback.wording import describe, say
from formcheck.live.countdown import GO, Countdown
from formcheck.live.keys import KeyAction, key_actions
from formcheck.live.paced_writer import PacedWriter
from formcheck.live.rate_watch import RateParams, RateWatch, SlowNotice
from formcheck.live.targets import TargetWatch
from formcheck.pose import PoseEstimator
from formcheck.recognition.online import OnlineRecogniser
from formcheck.sources.camera import LatestFrameGrabber
from formcheck.sources.video import VideoFrame


@dataclass(frozen=True)
class LiveOptions:
    countdown_s: float = 3.0  # the setup check must pass this long before counting starts
    stop_at_target: bool = False  # a routine moves on when the rep target is met
    show_stats: bool = True
    announce_after_s: float = 1.0  # a setup message must be steady this long to be printed or said
    params: EngineParams = field(default_factory=EngineParams)
    mirrored: bool = False  # the camera or file shows a mirror image: left and right are swapped
    rate: RateParams = field(default_factory=RateParams)  # the processing rate counting needs
    #: The live stride (``engine/stride.HeldPoses``): the pose model skips frames while
    #: the person and the picture are still, adding no delay. None: every frame.
    stride: StrideParams | None = None


@dataclass(frozen=True)
class FrameTiming:
    t: float  # grab time, seconds since the capture started
    delay_s: float  # grab -> shown
    infer_s: float  # pose + rules for this frame


@dataclass
class StepOutcome:
    session: Session
    ended_by: EndReason
    target_met: bool
    error: CameraError | None = None


@dataclass
class ExerciseRun:
    """The state of one exercise in the loop: before counting (the countdown) or
    counting, paused or not. A reset starts it over with a fresh pipeline."""

    exercise: Exercise
    pipeline: Pipeline
    overlay: Overlay
    countdown: Countdown
    targets: TargetWatch
    cues: CueMaker
    card: tuple[str, list[str]]  # the instructions shown until counting starts
    counting: bool = False
    paused: bool = False  # the space key
    holding: bool = False  # a file held on one frame through the countdown
    follow: OnlineRecogniser | None = None  # recognition that may end it for another exercise
    accept: Callable[[Exercise], bool] | None = None  # which recognised exercises end it (None: any)
    note: Note | None = None  # shown across the picture for the first NOTE_S (the exercise switched to)
    started: float | None = None  # the time of its first frame


SEARCHING = Note(Reason.SEARCHING)
PAUSED = Note(Reason.PAUSED)
COUNTING_STARTED = Note(Reason.COUNTING_STARTED)
NOTE_S = 3.0


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
        self.rate = RateWatch(options.rate)
        self.warned_slow = False  # the console heard about a slow rate (once a session)
        self._last: VideoFrame | None = None  # the picture shown last (shown again while a file is paused)

    # -- helpers ---------------------------------------------------------------------
    def _print(self, t: float, text: str) -> None:
        print(f"{t:7.2f}s  {text}", file=self.out, flush=True)

    def _tell(self, t: float, text: str, cue: Cue | None = None) -> None:
        self._print(t, text)
        self.speaker.say(*((cue.text, cue.max_age_s, cue.repeat) if cue else (text, 4.0, False)))

    def announce(self, note: Note) -> None:
        """Print and say ``note`` now (the exercise recognised)."""
        self._tell(self.grabber.now(), say(note))

    def _stats_line(self) -> tuple[float, float]:
        recent = list(self._recent)
        if len(recent) < 2:
            return 0.0, 0.0
        span = recent[-1].t - recent[0].t
        fps = (len(recent) - 1) / span if span > 0 else 0.0
        return fps, statistics.median(r.delay_s for r in recent) * 1000.0

    def _pipeline(self, exercise: Exercise) -> Pipeline:
        return Pipeline(
            exercise,
            self.grabber.info,
            self.estimator,
            self.options.params,
            mirrored=self.options.mirrored,
            live_stride=self.options.stride,
        )

    def _render(
        self,
        frame: VideoFrame,
        state: FrameState | None,
        overlay: Overlay | None,
        banner: str,
        card: tuple[str, list[str]] | None,
    ) -> np.ndarray:
        image = frame.image_bgr.copy()
        if state is not None and overlay is not None:
            overlay.annotate(image, state)
        if card is not None:
            draw_card(image, *card)
        if banner:
            draw_banner(image, banner)
        if self.show_stats:
            draw_stats(image, *self._stats_line(), self.grabber.dropped)
        if self.rate.slow is not None:
            draw_warning(image, self._slow_words(self.rate.slow)[1])
        return image

    def _slow_words(self, notice: SlowNotice) -> tuple[str, str]:
        """(the console line, the overlay's short form): what is wrong and what helps."""
        slow = Slow(notice.fps, self.options.rate.min_fps, notice.bottleneck, camera=not self.grabber.pausable)
        return say(Note(Reason.TOO_SLOW, slow)), say(Note(Reason.TOO_SLOW_SHORT, slow))

    # -- the loop --------------------------------------------------------------------
    def run(
        self,
        exercise: Exercise,
        target: int | None = None,
        intro: list[str] | None = None,
        follow: OnlineRecogniser | None = None,
        accept: Callable[[Exercise], bool] | None = None,
        note: Note | None = None,
    ) -> StepOutcome:
        """Coach one exercise until it ends; ``target`` reps (per side) for a routine.

        With ``follow``, the poses also go to live recognition, and an exercise it
        proposes (that ``accept`` takes) ends this one (``EndReason.SWITCH``). A ``note``
        (the exercise recognised) means the person is already at it: counting starts at
        once, without the setup check and countdown."""
        pipeline = self._pipeline(exercise)
        if follow is not None:
            follow.follow(exercise)
        run = ExerciseRun(
            exercise,
            pipeline,
            Overlay(exercise, pipeline.evaluator.measures, OverlayStyle(corners=LIVE_CORNERS)),
            Countdown(exercise, self.options.countdown_s, self.options.announce_after_s),
            TargetWatch(target if target is not None else exercise.rep.target),
            CueMaker(exercise.sides is Sides.EACH),
            (exercise.name, (intro or []) + [say(Note(Reason.CAMERA_ADVICE, Declared(exercise.setup.camera)))]),
            counting=note is not None,
            follow=follow,
            accept=accept,
            note=note,
        )
        ended: EndReason | None = None
        error: CameraError | None = None
        ended, error = self._loop(
            lambda frame, again: self._frame(run, frame, again),
            lambda action: self._act(run, action),
            lambda: run.paused or run.holding,
        )
        session = (run.pipeline if run.counting else self._pipeline(exercise)).finish()
        return StepOutcome(session, ended, target is not None and session.counts.met(target), error)

    def search(self, follow: OnlineRecogniser) -> tuple[Exercise | None, EndReason | None, CameraError | None]:
        """ "Start any exercise" until live recognition proposes one: the exercise, or
        how the session ended first (and the camera's error, if it failed)."""
        follow.follow(None)
        stage = PoseStage(self.estimator)

        def frame_step(frame: VideoFrame, again: bool) -> tuple[EndReason | None, list[str]]:
            if not again:
                follow.put(stage.estimate(frame))
            self._watch_rate(frame.timestamp_s)
            image = self._render(frame, None, None, say(SEARCHING), None)
            self._last = frame
            return (EndReason.SWITCH if follow.proposal is not None else None), self._show(image, frame)

        ended, error = self._loop(frame_step, self._act_always, lambda: False)
        return (follow.proposal if ended is EndReason.SWITCH else None), ended, error

    def _loop(
        self,
        frame_step: Callable[[VideoFrame, bool], tuple[EndReason | None, list[str]]],
        act: Callable[[KeyAction], EndReason | None],
        held: Callable[[], bool],
    ) -> tuple[EndReason, CameraError | None]:
        """Ticks until one ends the stage; how it ended, and the camera's error if it failed."""
        ended: EndReason | None = None
        try:
            while ended is None:
                ended = self._tick(frame_step, act, held)
        except CameraError as exc:
            return EndReason.CAMERA, exc
        except KeyboardInterrupt:
            return EndReason.INTERRUPTED, None
        return ended, None

    def _tick(
        self,
        frame_step: Callable[[VideoFrame, bool], tuple[EndReason | None, list[str]]],
        act: Callable[[KeyAction], EndReason | None],
        held: Callable[[], bool],
    ) -> EndReason | None:
        """One pass: the newest frame (if any), then the window and its keys."""
        if self.stop:
            return EndReason.INTERRUPTED
        frame, again = self.grabber.read(timeout=0.05), False
        if frame is None and self.grabber.paused and self._last is not None:
            frame, again = replace(self._last, timestamp_s=self.grabber.now()), True
        ended: EndReason | None = None
        if frame is None:
            if self.grabber.finished:
                ended = EndReason.SOURCE
            keys = self.display.show(None)
        else:
            ended, keys = frame_step(frame, again)
        if self.display.closed:
            ended = ended or EndReason.WINDOW
        for action in key_actions(keys):
            acted = act(action)  # every key acts; the first ending counts
            ended = ended or acted
        self._hold_source(held())
        return ended

    def _hold_source(self, held: bool) -> None:
        """A file stands still while paused or held for the countdown (a camera cannot)."""
        if self.grabber.pausable and held != self.grabber.paused:
            self.grabber.hold(held)
            self.rate.restart()  # the gap is a pause, not slowness

    def _frame(self, run: ExerciseRun, frame: VideoFrame, again: bool = False) -> tuple[EndReason | None, list[str]]:
        """Process, draw, show and record one frame; returns how it ended the exercise
        (if it did) and the keys pressed meanwhile. A frame shown ``again`` (a paused
        file's) is no new camera frame: it is left out of the rate and delay."""
        started = time.perf_counter()
        banner, state, ended = "", None, None
        if run.paused:
            banner = say(PAUSED)
        else:
            state = self._process(run, frame, again)
            if run.counting:
                ended = self._count(run, frame.timestamp_s, state)
                banner = self._note(run, frame.timestamp_s)
            else:
                banner, state = self._count_down(run, frame.timestamp_s, state)
            ended = ended or self._switch(run)
        infer_s = time.perf_counter() - started
        if not (again or run.paused):
            self._watch_rate(frame.timestamp_s)
        image = self._render(frame, state, run.overlay, banner, None if run.counting else run.card)
        keys = self._show(image, frame)
        self._last = frame
        if not again:
            timing = FrameTiming(frame.timestamp_s, self.grabber.now() - frame.timestamp_s, infer_s)
            self.timings.append(timing)
            self._recent.append(timing)
        return ended, keys

    def _show(self, image: np.ndarray, frame: VideoFrame) -> list[str]:
        """Display (and record, if asked) the drawn picture; the keys pressed meanwhile."""
        keys = self.display.show(image)
        if self.writer is not None:
            self.writer.write(image, frame.timestamp_s)
        return keys

    def _process(self, run: ExerciseRun, frame: VideoFrame, again: bool) -> FrameState:
        """The pipeline on a frame; its pose to live recognition too (a new frame's only)."""
        if run.follow is None:
            return run.pipeline.process(frame)
        pose = run.pipeline.estimate(frame)
        if not again:
            run.follow.put(pose)
        return run.pipeline.step(pose)

    def _note(self, run: ExerciseRun, t: float) -> str:
        if run.started is None:
            run.started = t
        return say(run.note) if t - run.started < NOTE_S else ""

    def _switch(self, run: ExerciseRun) -> EndReason | None:
        """Recognition proposes another exercise (that the run accepts): end this one for it."""
        proposal = run.follow.proposal if run.follow is not None else None
        if proposal is None or proposal.id == run.exercise.id:
            return None
        return EndReason.SWITCH if run.accept is None or run.accept(proposal) else None

    def _watch_rate(self, t: float) -> None:
        """Warn, once a session on the console and on the overlay while it lasts, when
        processing is too slow for the counts to be right."""
        notice = self.rate.update(t, self.grabber.dropped)
        if notice is not None and not self.warned_slow:
            self.warned_slow = True
            self._print(t, f"warning: {self._slow_words(notice)[0]}")

    def _count_down(self, run: ExerciseRun, t: float, state: FrameState) -> tuple[str, FrameState | None]:
        """The setup check and countdown on one frame: the banner and the state to draw."""
        step = run.countdown.update(t, state)
        run.holding = self.grabber.pausable and not step.done and bool(step.banner)
        if step.announce:
            words = say(step.announce)
            self._tell(t, f"setup: {words}", Cue(words, 4.0, repeat=False))
        if step.done:
            run.counting, run.pipeline = True, self._pipeline(run.exercise)
            self._tell(t, say(COUNTING_STARTED), Cue(say(GO), 1.5))
            return "", None
        if step.speak:
            self.speaker.say(step.speak, 0.8)
        return step.banner, replace(state, message=step.message)

    def _count(self, run: ExerciseRun, t: float, state: FrameState) -> EndReason | None:
        """Events printed, cues said, targets announced; a routine's met target ends it."""
        for event in state.events:
            print(describe(event), file=self.out, flush=True)
        for cue in run.cues.update(state):
            self.speaker.say(cue.text, cue.max_age_s, cue.repeat)
        met = False
        for news in run.targets.update(state.counts):
            self._tell(t, news.text, news.cue)
            met = met or news.met
        return EndReason.TARGET if met and self.options.stop_at_target else None

    def _act(self, run: ExerciseRun, action: KeyAction) -> EndReason | None:
        """What a key does; n and q end the exercise."""
        if action is KeyAction.PAUSE:
            run.paused = not run.paused
            self.rate.restart()  # the frames not processed while paused are no slowness
        elif action is KeyAction.RESET:
            run.counting, run.holding, run.pipeline = False, False, self._pipeline(run.exercise)
            run.countdown.restart()
            run.targets = TargetWatch(run.targets.goal)
            run.cues = CueMaker(run.exercise.sides is Sides.EACH)
        elif action is KeyAction.NEXT:
            return EndReason.NEXT
        return self._act_always(action)

    def _act_always(self, action: KeyAction) -> EndReason | None:
        """The keys that act whether an exercise is coached or not (m, i, q)."""
        if action is KeyAction.MUTE:
            self.speaker.toggle_mute()
        elif action is KeyAction.STATS:
            self.show_stats = not self.show_stats
        elif action is KeyAction.QUIT:
            return EndReason.QUIT
        return None

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
