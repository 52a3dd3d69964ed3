"""The words for what the engine says: one table from reason codes to English.

The engine and the live stages say *what* to tell the person (a ``Note``, see
``core/reasons.py``); the overlay, the voice, the console, the report and the web app
turn it into words here, and nowhere else: the front ends' own words too (a banner, the
"Go", "Switch sides" and "Well done" said alike in the live window and on the web page,
the slow-rate warning). Another language is one more table like
``ENGLISH`` (a function per ``Reason``, given the note's detail) and one more entry in
``LANGUAGES``. Words an exercise file declares (``Declared``) are said as the file
wrote them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from formcheck.core.events import (
    ActiveEnded,
    Event,
    EventKind,
    FaultEnded,
    FaultStarted,
    HoldCompleted,
    HoldEnded,
    RepCompleted,
    RepRejected,
)
from formcheck.core.reasons import Bottleneck, Interruption, Note, Reason
from formcheck.core.state import Sides
from formcheck.exercises.routine import RoutineStep
from formcheck.exercises.schema import PerDay

Words = Callable[[Any], str]  # a note's detail -> the sentence


def _places(value: float) -> int:
    """Decimals worth showing: whole degrees, but hundredths of a trunk length."""
    return 0 if abs(value) >= 10 else 2


def _number(value: float) -> str:
    return f"{value:.{_places(value)}f}"


def _out_of_view(d: Any) -> str:
    verb = "is" if d.part == "head" else "are"
    return f"Your {d.part} {verb} out of the picture: move the camera or step back so your whole body is visible."


_WRONG_VIEW = {
    "side": "Turn side-on to the camera.",
    "front": "Face the camera.",
    "oblique": "Move the camera round to about 45 degrees from your side: "
    "straight side-on, part of the movement is hidden.",
}

_INTERRUPTION = {
    Interruption.VIDEO_ENDED: "the video ended",
    Interruption.VIEW_CHANGED: "the camera view changed",
    Interruption.OUT_OF_VIEW: "the person was out of view",
}


def _still_in_position(d: Any) -> str:
    return f"still in position when {_INTERRUPTION[d.when]}" + (" (after a camera cut)" if d.after_cut else "")


def _too_slow(d: Any) -> str:
    """The console's warning: what is wrong, what it costs and what helps."""
    got = f"only {d.fps:.1f} frames a second"
    if d.bottleneck is Bottleneck.CAMERA:
        helps = "more light (cameras slow down in the dark)" + (" or a higher --fps" if d.camera else "")
        return f"the {'camera' if d.camera else 'video'} sends {got}, counting needs {d.min_fps:g}: reps may be missed; {helps} helps"
    helps = "a smaller --camera-size (e.g. 640x480) or closing other programs" if d.camera else "closing other programs"
    return f"processing keeps up with {got}, counting needs {d.min_fps:g}: reps may be missed; {helps} helps"


def _too_slow_short(d: Any) -> str:
    """The overlay's form of ``_too_slow``, short enough for a corner of the picture."""
    if d.bottleneck is Bottleneck.CAMERA:
        return f"Camera too slow to count ({d.fps:.0f} fps): more light helps"
    short = "smaller --camera-size, close other programs" if d.camera else "close other programs"
    return f"Too slow to count ({d.fps:.0f} fps): {short}"


ENGLISH: dict[Reason, Words] = {
    Reason.DECLARED: lambda d: d.text,
    Reason.OUT_OF_VIEW: _out_of_view,
    Reason.TOO_FAR: lambda _: "You are too far from the camera: come closer so you fill more of the picture.",
    Reason.TOO_DARK: lambda _: "It is too dark: add light in front of you.",
    Reason.WRONG_VIEW: lambda d: _WRONG_VIEW[d.view],
    Reason.ONE_PERSON: lambda _: (
        "More than one person is in view: formcheck follows only one. Ask others to step out of the picture."
    ),
    Reason.FIND_ME: lambda d: (
        "Face the camera so I can find you, then get down into the start position."
        if d.on_floor
        else "Step in front of the camera so I can see you."
    ),
    Reason.STEP_INTO_VIEW: lambda _: "Step back into view: the whole body must be visible.",
    Reason.HOLD_STILL_AT_START: lambda _: "Hold still in the start position.",
    Reason.HOLD_POSITION: lambda _: "Hold the position and breathe.",
    Reason.WELL_HELD: lambda _: "Well held. Slowly return to the start.",
    Reason.GET_READY: lambda _: "Get ready: counting starts soon.",
    Reason.PARTIAL_REP: lambda d: (
        f"partial rep: {d.measure} got to {_number(d.reached)}, short of {_number(d.starts_at)} where the position starts"
    ),
    Reason.TOO_SMALL: lambda d: f"movement too small ({d.range:.0f} < {d.min_range:.0f})",
    Reason.STILL_BODY: lambda _: "the measure changed while the body stayed still (tracking or camera change)",
    Reason.STILL_IN_POSITION: _still_in_position,
    Reason.SEARCHING: lambda _: "Start any exercise",
    Reason.NOW: lambda d: f"Now: {d.text}",
    Reason.EXERCISE_NAME: lambda d: f"{d.text}.",
    Reason.CAMERA_ADVICE: lambda d: f"Camera: {d.text}",
    Reason.FLOOR_ADVICE: lambda _: "Start facing the camera so formcheck can find you, then lie or kneel down side-on.",
    Reason.PAUSED: lambda _: "Paused",
    Reason.GO: lambda _: "Go",
    Reason.COUNTING: lambda _: "Counting.",
    Reason.COUNTING_STARTED: lambda _: "counting",
    Reason.REP_COUNTED: lambda d: f"{d.side} {d.count}" if d.side else f"{d.count}",
    Reason.HOLD: lambda _: "Hold",
    Reason.HOLD_DONE: lambda _: "done",
    Reason.CANNOT_SEE: lambda _: "I cannot see you.",
    Reason.SIDE_DONE: lambda d: f"{d.side} side done: switch sides",
    Reason.SWITCH_SIDES: lambda _: "Switch sides",
    Reason.TARGET_REACHED: lambda d: f"target of {d.reps} reached",
    Reason.WELL_DONE: lambda _: "Well done",
    Reason.ROUTINE_FINISHED: lambda _: "Routine finished. Well done.",
    Reason.TOO_SLOW: _too_slow,
    Reason.TOO_SLOW_SHORT: _too_slow_short,
}

LANGUAGES: dict[str, dict[Reason, Words]] = {"en": ENGLISH}


def tenths(seconds: float) -> str:
    """A duration to 0.1 s, rounded down: a 2.96 s hold reads "2.9 s" beside its 3 s
    target, never "3.0 s" marked short."""
    return f"{math.floor(seconds * 10 + 1e-6) / 10:.1f}"


def say(note: Note | None, language: str = "en") -> str:
    """The words for a note ("" for nothing to say)."""
    return LANGUAGES[language][note.reason](note.detail) if note is not None else ""


def step_intro(step: RoutineStep) -> list[str]:
    """What to show before a routine's exercise: its steps, the target, the sides."""
    ex = step.exercise
    lines = [f"{i}. {line}" for i, line in enumerate(ex.instructions, 1)]
    target = f"Target: {step.reps} rep{'s' if step.reps != 1 else ''}"
    if ex.sides is Sides.EACH:
        target += " on each side: one side first, then repeat on the opposite side"
    if ex.hold is not None:
        target += f", holding {ex.hold.target_s:g} s"
    lines.append(target + ".")
    lines += [step.note] if step.note else []
    return lines


def per_day_words(per_day: PerDay) -> str:
    """``2 sessions a day``, ``10 reps a day``: what an exercise file prescribes."""
    one = {"sessions": "session", "reps": "rep"}[per_day.unit]
    return f"{per_day.target} {one if per_day.target == 1 else per_day.unit} a day"


#: What ``describe`` says of the kinds whose payload adds nothing to the line.
_PLAIN = {
    EventKind.READY: "start position seen, counting",
    EventKind.REP_STARTED: "into position",
    EventKind.HOLD_STARTED: "holding",
    EventKind.SIDE_CHANGED: "switched side",
    EventKind.ACTIVE_STARTED: "moving",
    EventKind.POSE_LOST: "person not visible",
    EventKind.POSE_FOUND: "person visible again",
}


def describe(event: Event) -> str:
    """One human line for an event, for the console and logs."""
    who = f" ({event.side})" if event.side else ""
    d = event.data
    match d:
        case RepCompleted():
            text = f"rep {d.count} done"
        case RepRejected():
            text = f"not counted: {say(d.reason)}"
        case HoldCompleted():
            text = f"hold target {d.target_s:.0f} s reached"
        case HoldEnded():
            text = f"held {d.duration_s:.1f} s"
        case FaultStarted():
            text = say(d.message)
        case FaultEnded():
            text = f"fixed: {d.check}"
        case ActiveEnded():
            text = f"active for {d.duration_s:.0f} s"
        case _:
            text = _PLAIN[event.kind]
    return f"{event.t:7.2f}s  {text}{who}"
