"""What the engine tells the person, as typed codes rather than sentences.

The engine says *what* to tell (a ``Note``: a ``Reason`` and, where the words need
numbers or names, a small frozen payload); ``feedback/wording.py`` says it in words. No
rule builds a sentence, so the words can change, or come in another language, without
touching a rule, and a test can check the reason without matching text. Words an
exercise file declares itself (a check's message, its set-up message) are carried as
they are (``Declared``): they are the file's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Reason(str, Enum):
    # The exercise file's own words (Declared).
    DECLARED = "declared"
    # Set-up problems (faults "setup.<id>") and notices.
    OUT_OF_VIEW = "out_of_view"  # a body part out of the picture (OutOfView)
    TOO_FAR = "too_far"
    TOO_DARK = "too_dark"
    WRONG_VIEW = "wrong_view"  # the camera sees the body from a view the exercise cannot be judged from (WantedView)
    ONE_PERSON = "one_person"  # more than one person in view: a notice, counting goes on
    FIND_ME = "find_me"  # nobody found yet (FindMe)
    # What to do now (the overlay's message).
    STEP_INTO_VIEW = "step_into_view"  # the person was lost
    HOLD_STILL_AT_START = "hold_still_at_start"  # in the start posture, not yet still there
    HOLD_POSITION = "hold_position"  # in position, the hold being timed
    WELL_HELD = "well_held"  # the hold target was reached
    GET_READY = "get_ready"  # set up right: live coaching's countdown runs
    # Why a movement was not counted (REP_REJECTED).
    PARTIAL_REP = "partial_rep"  # came near the position but turned back (PartialRep)
    TOO_SMALL = "too_small"  # in and out of the position, but less than min_range (TooSmall)
    STILL_BODY = "still_body"  # the measure changed while the body stayed still
    STILL_IN_POSITION = "still_in_position"  # in position when counting stopped (StillInPosition)
    # Live coaching around the count, the same code in the live window and the web page.
    SEARCHING = "searching"  # live recognition waits for any exercise (the banner)
    NOW = "now"  # the exercise recognised or switched to (Declared: its name)
    EXERCISE_NAME = "exercise_name"  # said as an exercise's set-up begins (Declared: its name)
    CAMERA_ADVICE = "camera_advice"  # the exercise file's camera advice, labelled (Declared)
    FLOOR_ADVICE = "floor_advice"  # a floor exercise: found standing, then down side-on
    PAUSED = "paused"  # the banner while paused
    GO = "go"  # said as counting starts
    COUNTING = "counting"  # the web page's message as counting starts
    COUNTING_STARTED = "counting_started"  # the console's line as counting starts
    REP_COUNTED = "rep_counted"  # said as a rep is counted (RepCount)
    HOLD = "hold"  # said as a hold starts
    HOLD_DONE = "hold_done"  # said as a hold reaches its target
    CANNOT_SEE = "cannot_see"  # said as the person is lost
    SIDE_DONE = "side_done"  # the console's line as one side's target is met (SideDone)
    SWITCH_SIDES = "switch_sides"  # said then
    TARGET_REACHED = "target_reached"  # the console's line as the whole target is met (Goal)
    WELL_DONE = "well_done"  # said then
    ROUTINE_FINISHED = "routine_finished"  # said as the last step of a routine ends
    TOO_SLOW = "too_slow"  # the console's warning: too few frames a second to count (Slow)
    TOO_SLOW_SHORT = "too_slow_short"  # the same on the overlay, short (Slow)


class Interruption(str, Enum):
    """Why counting stopped with a rep under way."""

    VIDEO_ENDED = "video_ended"
    VIEW_CHANGED = "view_changed"  # a camera cut
    OUT_OF_VIEW = "out_of_view"  # the person was out of view too long


class Bottleneck(Enum):
    """Why live processing is too slow to count: what helps depends on it."""

    PROCESSING = "processing"  # frames arrive faster than they are processed (some are dropped)
    CAMERA = "camera"  # the camera itself sends too few (nothing is dropped)


@dataclass(frozen=True)
class Detail:
    """The names and numbers a reason's words need (nothing, for most reasons)."""


@dataclass(frozen=True)
class Declared(Detail):
    text: str


@dataclass(frozen=True)
class OutOfView(Detail):
    part: str  # a body part of core/body.py's BODY_PARTS


@dataclass(frozen=True)
class WantedView(Detail):
    view: str  # the exercise's [setup].view: side, front or oblique


@dataclass(frozen=True)
class FindMe(Detail):
    on_floor: bool  # a floor exercise: the person may already be lying down


@dataclass(frozen=True)
class PartialRep(Detail):
    measure: str
    reached: float  # how far into the position the movement got
    starts_at: float  # where the position starts (the enter threshold)


@dataclass(frozen=True)
class TooSmall(Detail):
    range: float
    min_range: float


@dataclass(frozen=True)
class StillInPosition(Detail):
    when: Interruption
    after_cut: bool = False  # the rep had been carried over a camera cut


@dataclass(frozen=True)
class RepCount(Detail):
    count: int  # the side's count for a one-sided exercise, else the total
    side: str = ""  # a one-sided exercise's side ("" when both sides count together)


@dataclass(frozen=True)
class SideDone(Detail):
    side: str  # the side whose target was met first


@dataclass(frozen=True)
class Goal(Detail):
    reps: int  # the rep target met


@dataclass(frozen=True)
class Slow(Detail):
    fps: float  # the frames processed a second
    min_fps: float  # what counting needs
    bottleneck: Bottleneck
    camera: bool  # a live camera (a file has no --camera-size or --fps to help)


NO_DETAIL = Detail()


@dataclass(frozen=True)
class Note:
    """One thing to tell the person: the reason and its detail."""

    reason: Reason
    detail: Detail = NO_DETAIL


def declared(text: str) -> Note:
    """The exercise file's own words, as a note."""
    return Note(Reason.DECLARED, Declared(text))
