"""What to say, from the event stream: rep counts, the hold countdown, form messages.

Pure logic (no audio): ``CueMaker.update(state)`` returns the cues for one frame, and
the ``Speaker`` decides whether there is time to say them. The words are
``feedback/wording.py``'s, by reason code; a cue's timing is its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from formcheck.core.events import EventKind, FaultStarted, HoldCompleted, HoldEnded, HoldStarted, RepCompleted
from formcheck.core.reasons import Note, Reason, RepCount
from formcheck.engine.evaluator import FrameState
from formcheck.feedback.wording import say

COUNTDOWN_FROM = 3


@dataclass(frozen=True)
class Cue:
    text: str
    max_age_s: float = 1.5  # said later than this, it would be wrong: drop it
    repeat: bool = True  # False: not again within the speaker's repeat interval


class CueMaker:
    def __init__(self, one_sided: bool) -> None:
        self.one_sided = one_sided
        self._counted_down: int | None = None  # last number said in the hold countdown

    def update(self, state: FrameState) -> list[Cue]:
        cues: list[Cue] = []
        for event in state.events:
            match event.data:
                case RepCompleted(count=done):
                    count = state.counts.of(event.side) if state.counts else done
                    side = event.side if self.one_sided and event.side else ""
                    cues.append(Cue(say(Note(Reason.REP_COUNTED, RepCount(count, side)))))
                case HoldStarted():
                    self._counted_down = None
                    cues.append(Cue(say(Note(Reason.HOLD))))
                case HoldCompleted():
                    cues.append(Cue(say(Note(Reason.HOLD_DONE))))
                case HoldEnded():
                    self._counted_down = None
                case FaultStarted(message=message):
                    cues.append(Cue(say(message), max_age_s=4.0, repeat=False))
                case _ if event.kind is EventKind.POSE_LOST:
                    cues.append(Cue(say(Note(Reason.CANNOT_SEE)), max_age_s=3.0, repeat=False))
        if state.hold_target and state.hold_elapsed > 0:
            left = math.ceil(state.hold_target - state.hold_elapsed)
            if (
                1 <= left <= COUNTDOWN_FROM
                and left != self._counted_down
                and (self._counted_down is None or left < self._counted_down)
            ):
                self._counted_down = left
                cues.append(Cue(str(left), max_age_s=0.8))
        return cues
