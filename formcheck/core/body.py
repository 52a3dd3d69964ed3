"""Whole-body states and parts, named in exercise files and read off each frame: the
posture, the camera's view of the body and the parts that must be in the picture. Here
rather than beside their detection (``measures``, ``engine.setup_check``) because the
exercise schema validates these names too."""

from __future__ import annotations

from enum import Enum

from formcheck.core.landmarks import Landmark as L


class Posture(str, Enum):
    SUPINE = "supine"  # lying on the back
    PRONE = "prone"  # lying on the stomach
    QUADRUPED = "quadruped"  # hands and knees
    KNEELING = "kneeling"  # on the knees, upright or sitting on the heels
    SEATED = "seated"
    STANDING = "standing"
    UNKNOWN = "unknown"


class View(str, Enum):
    SIDE = "side"
    OBLIQUE = "oblique"
    FRONT = "front"
    UNKNOWN = "unknown"


#: The body parts a file may want in the picture (``setup.in_view``), with the landmarks
#: that show each: the schema validates the names and the setup check reads the landmarks.
BODY_PARTS: dict[str, tuple[L, ...]] = {
    "head": (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR),
    "shoulders": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "hands": (L.LEFT_WRIST, L.RIGHT_WRIST),
    "hips": (L.LEFT_HIP, L.RIGHT_HIP),
    "knees": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "feet": (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL),
}
