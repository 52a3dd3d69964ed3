"""The measure kinds, declared once: what each takes and can be, for validation
(``schema``), units (``units``) and evaluation (``measures``) alike.

A new kind is one row here plus its geometry in ``measures.measure_set``; nothing else
lists the kinds, so the file checks, ``show``'s units and the evaluator cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeasureKind:
    """One kind of measure: its points, whether it needs a reference segment (``per``),
    the values it can take, its unit and the spaces it can be taken in."""

    points: int
    low: float
    high: float
    degrees: bool = False
    needs_per: bool = False
    #: Can be taken in the metric 3D landmarks. MediaPipe's 3D axes are the camera's,
    #: so a height (along its vertical) is one too; an inclination or an offset "above"
    #: a line is defined in the picture's plane and is not.
    world: bool = False
    #: Can blend the picture's and the 3D measure by how squarely the camera sees it.
    fused: bool = False


# The values each kind can take (degrees; the others are ratios of a body segment, a
# few at most): a threshold outside can never be reached, or always is. The order is
# the one error messages list the kinds in.
KINDS: dict[str, MeasureKind] = {
    "angle": MeasureKind(3, 0.0, 180.0, degrees=True, world=True, fused=True),
    "inclination": MeasureKind(2, 0.0, 90.0, degrees=True),
    "offset": MeasureKind(3, -10.0, 10.0),
    "distance": MeasureKind(2, 0.0, 10.0, needs_per=True, world=True),
    "height": MeasureKind(2, -10.0, 10.0, needs_per=True, world=True, fused=True),
    "swing": MeasureKind(2, -180.0, 180.0, degrees=True),
    "lateral": MeasureKind(2, -10.0, 10.0, needs_per=True, world=True),
}
#: How far past straight an angle with ``past_straight`` is read: a body bends back at a
#: joint by tens of degrees at most (a bridge's hips: 181-193 on real bridges, up to 211
#: on renders), so a middle point "above" a sharper bend is the landmarks folded the
#: wrong way (a render with the feet cut off: lying hips read 105-130 degrees "above"
#: their line), and reads as unmeasured (NaN).
PAST_STRAIGHT_MAX_DEG = 45.0
KIND_NAMES = tuple(KINDS)
WORLD_KINDS = tuple(name for name, kind in KINDS.items() if kind.world)
FUSED_KINDS = tuple(name for name, kind in KINDS.items() if kind.fused)
PER_KINDS = tuple(name for name, kind in KINDS.items() if kind.needs_per)
#: Where each kind is measured when its file does not say: chosen by the rendered
#: error grids in the README ("View-robust measures"). Fused angles are the picture's
#: side-on and up to 30 degrees round, and close to the 3D ones from 60 degrees, where the
#: picture's are 40-70 degrees off. Heights are closer to the body's in 3D at every
#: azimuth (their reference length is not foreshortened), except small left-right
#: differences such as a shoulder tilt, which a file then measures in the picture.
#: A dict, not a field of the kind, so ``benchmarks/accuracy.py --space`` can try others.
DEFAULT_SPACE: dict[str, str] = {"angle": "fused", "height": "world"}
