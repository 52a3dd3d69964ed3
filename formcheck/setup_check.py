"""The check before counting: can the camera see what the exercise needs?

In order: enough light, somebody found, head and feet inside the picture, the camera
view the exercise asks for, and the start posture. The first problem is returned as
the one thing to tell the person; ``None`` means ready to count.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from formcheck.exercise import Exercise
from formcheck.frame import PoseFrame
from formcheck.landmarks import Landmark as L
from formcheck.posture import Posture, View, posture_of, view_of

FLOOR_POSTURES = frozenset({Posture.SUPINE, Posture.PRONE, Posture.QUADRUPED, Posture.KNEELING})
HEAD = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
FEET = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)
BODY = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE)


@dataclass(frozen=True)
class SetupParams:
    min_visibility: float = 0.5
    margin: float = 0.01  # landmarks closer than this (fraction of the image) to an edge are cut off
    dark: float = 40.0  # mean grey level (0-255) below which the picture is too dark
    flat: float = 8.0  # grey-level spread below which the picture is washed out (no contrast)


def is_floor_exercise(exercise: Exercise) -> bool:
    return all(p in FLOOR_POSTURES for p in exercise.setup.posture)


def find_me_message(exercise: Exercise) -> str:
    """What to do when nobody is found yet: the pose model finds people by the face."""
    if is_floor_exercise(exercise):
        return "Face the camera so I can find you, then get down into the start position."
    return "Step in front of the camera so I can see you."


class SetupCheck:
    """One exercise's setup check; ``problem(frame, image)`` is the verb."""

    def __init__(self, exercise: Exercise, params: SetupParams | None = None) -> None:
        self.exercise = exercise
        self.params = params or SetupParams()

    def _inside(self, frame: PoseFrame, marks: tuple[L, ...], any_of: bool) -> bool:
        w, h = frame.image_size
        m = self.params.margin
        ok = [
            frame.visibility[i] >= self.params.min_visibility
            and m * w <= frame.xy[i][0] <= (1 - m) * w
            and m * h <= frame.xy[i][1] <= (1 - m) * h
            for i in marks
        ]
        return any(ok) if any_of else all(ok)

    def problem(self, frame: PoseFrame, image_bgr: np.ndarray) -> Optional[str]:
        p = self.params
        grey = cv2.cvtColor(cv2.resize(image_bgr, (64, 48), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
        if grey.mean() < p.dark:
            return "It is too dark: turn on a light or face a window."
        if grey.std() < p.flat:
            return "The picture is washed out: turn the camera away from bright light, or clean the lens."
        if not frame.has_person:
            return find_me_message(self.exercise)
        if not self._inside(frame, HEAD, any_of=True):
            return "Your head is out of view: move the camera back or tilt it."
        if not self._inside(frame, FEET, any_of=True):
            return "Your feet are out of view: move the camera further away."
        if not self._inside(frame, BODY, any_of=True):
            return "I cannot see your body well: your whole body must be in view."
        posture = posture_of(frame)
        if posture not in self.exercise.setup.posture:
            return self.exercise.setup.message
        wanted = self.exercise.setup.view
        if wanted != "any" and view_of(frame) not in (View(wanted), View.OBLIQUE, View.UNKNOWN):
            return f"Place the camera so it sees you from the {wanted}. {self.exercise.setup.camera}"
        return None
