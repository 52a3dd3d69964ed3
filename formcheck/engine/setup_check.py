"""Is the camera set up so that the exercise can be judged? Checked on every frame.

Before counting starts, and whenever it stops being true, the person is told what is
wrong, as something they can act on: a body part out of the picture, the wrong camera
view, too far away, too dark (a ``Note`` each; ``feedback/wording.py`` has the words).
Each problem is a debounced fault (``setup.<id>``), so it shows in the overlay and in
the report like any form fault.

More than one person in view is a notice, not a problem: the pose model stays on one
person and counting goes on (a physiotherapist beside the patient is normal), but the
person is told who is being followed may change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core.body import BODY_PARTS, Posture, View
from formcheck.core.events import Event
from formcheck.core.frame import PoseFrame
from formcheck.core.reasons import FindMe, Note, OutOfView, Reason, WantedView, declared
from formcheck.engine.checks import FaultTracker
from formcheck.exercises.schema import Exercise, SetupSpec
from formcheck.measures.measure_set import Reader

FLOOR_POSTURES = frozenset({Posture.SUPINE, Posture.PRONE, Posture.QUADRUPED, Posture.KNEELING})


@dataclass(frozen=True)
class SetupParams:
    min_visibility: float = 0.5
    edge_margin: float = 0.005  # fraction of the frame a landmark must be inside
    min_body_fraction: float = (
        0.3  # body extent / frame size (the larger of width and height fractions) below which "too far"
    )
    min_brightness: float = 35.0  # mean luminance 0-255 below which "too dark"
    min_s: float = 1.0  # a problem must last this long to be reported


#: Per wanted view, the view that is refused. An oblique view (about 45 degrees) refuses
#: side-on: there a movement across the line of sight, such as knees rolling away from
#: the camera, is hidden behind the near side of the body.
REFUSED_VIEW: dict[str, View] = {"side": View.FRONT, "front": View.SIDE, "oblique": View.SIDE}


def framing(frame: PoseFrame, p: SetupParams) -> tuple[dict[str, bool], float | None]:
    """Which body parts are seen inside the picture, and the body's extent as a share of
    the picture (None: too few landmarks seen to tell)."""
    w, h = frame.image_size
    x, y = frame.xy[:, 0], frame.xy[:, 1]
    inside = (
        (x >= p.edge_margin * w)
        & (x <= (1 - p.edge_margin) * w)
        & (y >= p.edge_margin * h)
        & (y <= (1 - p.edge_margin) * h)
    )
    seen = inside & (frame.visibility >= p.min_visibility)
    parts = {part: bool(seen[list(points)].any()) for part, points in BODY_PARTS.items()}
    extent = max(np.ptp(x[seen]) / w, np.ptp(y[seen]) / h) if seen.sum() >= 4 else None
    return parts, extent


class SetupMonitor:
    def __init__(self, setup: SetupSpec, params: SetupParams | None = None) -> None:
        self.setup = setup
        self.params = params or SetupParams()
        min_s = self.params.min_s
        self._parts = {
            part: FaultTracker(f"setup.{part}_in_view", Note(Reason.OUT_OF_VIEW, OutOfView(part)), min_s, None)
            for part in setup.in_view
        }
        self._too_far = FaultTracker("setup.too_far", Note(Reason.TOO_FAR), min_s, None)
        self._too_dark = FaultTracker("setup.too_dark", Note(Reason.TOO_DARK), min_s, None)
        self._refused_view = REFUSED_VIEW.get(setup.view)  # None for "any"
        self._view = FaultTracker("setup.view", Note(Reason.WRONG_VIEW, WantedView(setup.view)), min_s, None)
        self._crowd = FaultTracker("setup.one_person", Note(Reason.ONE_PERSON), min_s, None)

    def _trackers(self) -> list[FaultTracker]:
        return [*self._parts.values(), self._too_far, self._too_dark, self._view, self._crowd]

    def update(self, frame: PoseFrame, view: View, read: Reader | None = None) -> list[Event]:
        """One frame's set-up problems; through ``read`` (``FrameReadings.read``), the
        framing another exercise's monitor has already read on this frame is reused."""
        t, p = frame.timestamp_s, self.params
        events = self._too_dark.update(t, frame.brightness < p.min_brightness)
        events += self._crowd.update(t, frame.people is not None and frame.people > 1)
        if not frame.has_person:
            return events
        parts, extent = read(frame, ("framing", p), lambda: framing(frame, p)) if read else framing(frame, p)
        for part, tracker in self._parts.items():
            events += tracker.update(t, not parts[part])
        if extent is not None:
            events += self._too_far.update(t, extent < p.min_body_fraction)
        events += self._view.update(t, view is self._refused_view)
        return events

    def problems(self) -> list[Note]:
        """The problems active now, most basic first."""
        return [tr.message for tr in (self._too_dark, *self._parts.values(), self._too_far, self._view) if tr.active]

    def notices(self) -> list[Note]:
        """What is worth saying but does not stop counting (more than one person)."""
        return [self._crowd.message] if self._crowd.active else []

    def finish(self, t: float) -> list[Event]:
        return [e for tr in self._trackers() for e in tr.end(t)]


def is_floor_exercise(exercise: Exercise) -> bool:
    return all(p in FLOOR_POSTURES for p in exercise.setup.posture)


def readiness_problem(exercise: Exercise, has_person: bool, problems: list[Note], posture: Posture) -> Note | None:
    """The one thing to fix before counting may start; None when ready.

    Live coaching waits for this to be None (and stay so through a countdown) before it
    starts counting.
    """
    if not has_person:  # the pose model finds people by the face
        return Note(Reason.FIND_ME, FindMe(is_floor_exercise(exercise)))
    if problems:
        return problems[0]
    if posture not in exercise.setup.posture:
        return declared(exercise.setup.message)
    return None
