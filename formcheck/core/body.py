"""Whole-body states, named in exercise files and read off each frame: the posture and
the camera's view of the body. Here rather than beside their detection (``measures``)
because the exercise schema validates these names too."""

from __future__ import annotations

from enum import Enum


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
