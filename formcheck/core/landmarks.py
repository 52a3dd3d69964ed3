"""Landmark names, the skeleton, and the resolution of names used in exercise files.

Exercise files say ``knee`` or ``left_knee``, never index 25: this module is the one
place that turns names into indices and lists the valid names when one is wrong.
The order matches MediaPipe's 33-point BlazePose topology, which every backend must
return (an adapter reorders if its model differs).
"""

from __future__ import annotations

from enum import IntEnum


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


NUM_LANDMARKS = len(Landmark)
SIDES = ("left", "right")


def _counterpart(mark: Landmark) -> Landmark:
    """The same landmark on the other side of the body (itself for the nose)."""
    name = mark.name
    for a, b in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
        if a in name:
            return Landmark[name.replace(a, b)]
    return mark


#: Index order that swaps every left landmark with its right one: a selfie-mirrored
#: video shows the person's left side where an unmirrored one shows the right.
MIRRORED_ORDER: tuple[int, ...] = tuple(_counterpart(m) for m in Landmark)

#: Bones drawn by the overlay (face detail left out: it clutters a coaching view).
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.LEFT_EAR, Landmark.LEFT_EYE),
    (Landmark.RIGHT_EAR, Landmark.RIGHT_EYE),
    (Landmark.LEFT_EYE, Landmark.NOSE),
    (Landmark.RIGHT_EYE, Landmark.NOSE),
)

#: Points that are the midpoint of a left/right pair, usable in exercise files.
MIDPOINTS = ("shoulder", "hip", "knee", "ankle", "ear", "heel", "wrist", "elbow", "eye")

#: Landmark names without a side, e.g. ``knee``; resolved per working side.
SIDED_NAMES = tuple(sorted({m.name.lower()[len("left_") :] for m in Landmark if m.name.startswith("LEFT_")}))


def valid_point_names() -> list[str]:
    """Every name an exercise file may use as a point."""
    explicit = [m.name.lower() for m in Landmark]
    return sorted(
        set(explicit) | set(SIDED_NAMES) | {f"other_{p}" for p in SIDED_NAMES} | {f"mid_{p}" for p in MIDPOINTS}
    )


def resolve_point(name: str, side: str) -> tuple[int, ...]:
    """Indices whose mean is the point ``name`` on the working ``side``.

    ``knee`` on side ``left`` is ``left_knee`` and ``other_knee`` is ``right_knee``;
    ``mid_hip`` is the mean of both hips; ``left_knee`` and ``nose`` are taken as they are.
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")
    if name.startswith("other_") and name[6:] in SIDED_NAMES:
        return resolve_point(name[6:], other_side(side))
    if name.startswith("mid_") and name[4:] in MIDPOINTS:
        part = name[4:].upper()
        return (Landmark[f"LEFT_{part}"].value, Landmark[f"RIGHT_{part}"].value)
    if name in SIDED_NAMES:
        return (Landmark[f"{side.upper()}_{name.upper()}"].value,)
    try:
        return (Landmark[name.upper()].value,)
    except KeyError:
        raise KeyError(name) from None


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"
