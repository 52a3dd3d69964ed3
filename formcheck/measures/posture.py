"""Whole-body state read from landmarks: posture, camera view and the near side.

These answer the setup questions before any counting: is the person lying on their
back, on hands and knees, seated...? Is the camera side-on? Which side faces it? They
are deliberately coarse, image-plane rules: they gate counting and drive setup
messages, so they must be robust rather than precise.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.body import Posture, View
from formcheck.core.frame import PoseFrame
from formcheck.core.geometry import angle_deg, inclination_deg
from formcheck.core.landmarks import Landmark as L
from formcheck.core.state import Side


def _mid(frame: PoseFrame, left: L, right: L) -> np.ndarray:
    return (frame.xy[left] + frame.xy[right]) / 2.0


SHOULDERS = ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER),)
NEAR_JOINTS = (*SHOULDERS, (L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_KNEE, L.RIGHT_KNEE))


def near_side(frame: PoseFrame, pairs: tuple[tuple[L, L], ...] = NEAR_JOINTS) -> Side:
    """The side of the body facing the camera: its joints (of ``pairs``, left and right)
    have the smaller depth."""
    left = [pair[0] for pair in pairs]
    right = [pair[1] for pair in pairs]
    return Side.LEFT if np.nanmean(frame.z[left]) <= np.nanmean(frame.z[right]) else Side.RIGHT


class NearSide:
    """The near side of a stream of frames, switching only once the other side has been
    nearer for ``switch_s``: depth is the pose model's noisiest output, and a side that
    flickers would restart whatever depends on it."""

    def __init__(self, switch_s: float, pairs: tuple[tuple[L, L], ...] = NEAR_JOINTS) -> None:
        self.switch_s = switch_s
        self.pairs = pairs
        self.side: Side | None = None
        self._other_since: float | None = None

    def update(self, frame: PoseFrame) -> Side:
        seen = near_side(frame, self.pairs) if frame.has_person else self.side or Side.LEFT
        if self.side is None:
            self.side = seen
        if seen == self.side:
            self._other_since = None
        elif self._other_since is None:
            self._other_since = frame.timestamp_s
        elif frame.timestamp_s - self._other_since >= self.switch_s:
            self.side, self._other_since = seen, None
        return self.side


def view_of(frame: PoseFrame) -> View:
    """Side-on when the two shoulders and the two hips overlap in the image."""
    if not frame.has_person:
        return View.UNKNOWN
    torso = np.hypot(*(_mid(frame, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - _mid(frame, L.LEFT_HIP, L.RIGHT_HIP)))
    if not torso > 0:
        return View.UNKNOWN
    width = (
        np.hypot(*(frame.xy[L.LEFT_SHOULDER] - frame.xy[L.RIGHT_SHOULDER]))
        + np.hypot(*(frame.xy[L.LEFT_HIP] - frame.xy[L.RIGHT_HIP]))
    ) / 2.0
    ratio = width / torso
    if ratio < 0.3:
        return View.SIDE
    if ratio < 0.6:
        return View.OBLIQUE
    return View.FRONT


CORE_PAIRS = ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_KNEE, L.RIGHT_KNEE))


def posture_of(frame: PoseFrame, min_visibility: float = 0.5) -> Posture:
    """Classify the whole-body posture from the torso, thigh, shin and arm directions.

    UNKNOWN unless at least one shoulder, one hip and one knee are visible (side-on, the
    far side is hidden): a guess from hips out of frame would be worse than no answer.
    """
    if not frame.has_person or any(
        max(frame.visibility[a], frame.visibility[b]) < min_visibility for a, b in CORE_PAIRS
    ):
        return Posture.UNKNOWN
    shoulder = _mid(frame, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    hip = _mid(frame, L.LEFT_HIP, L.RIGHT_HIP)
    knee = _mid(frame, L.LEFT_KNEE, L.RIGHT_KNEE)
    ankle = _mid(frame, L.LEFT_ANKLE, L.RIGHT_ANKLE)
    wrist = _mid(frame, L.LEFT_WRIST, L.RIGHT_WRIST)
    torso_len = float(np.hypot(*(shoulder - hip)))
    if not torso_len > 0:
        return Posture.UNKNOWN
    torso = inclination_deg(hip, shoulder)
    thigh = inclination_deg(hip, knee)
    shin = inclination_deg(knee, ankle)
    knee_angle = angle_deg(hip, knee, ankle)

    if torso >= 50.0:  # upright trunk
        if shin < 35.0:
            return Posture.KNEELING
        if thigh > 55.0 and knee_angle > 140.0:
            return Posture.STANDING
        if thigh < 45.0:
            return Posture.SEATED
        return Posture.UNKNOWN

    arms_down = (wrist[1] - shoulder[1]) > 0.6 * torso_len
    knees_under = (knee[1] - hip[1]) > 0.5 * torso_len
    if arms_down and knees_under and shin < 40.0:
        return Posture.QUADRUPED
    if knees_under and shin < 40.0 and (ankle[1] - hip[1]) < 0.6 * torso_len:
        return Posture.KNEELING  # folded forward over the knees (child's pose)
    side = near_side(frame)
    nose = frame.xy[L.NOSE]
    ear = frame.xy[L.LEFT_EAR if side == "left" else L.RIGHT_EAR]
    # Lying: the face points at the ceiling on the back and at the floor on the stomach.
    return Posture.SUPINE if nose[1] < ear[1] else Posture.PRONE
