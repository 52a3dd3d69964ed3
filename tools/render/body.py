"""The rigged body: load the committed asset and apply a simple body shape.

Why a separate module: everything downstream (skinning, landmarks, rendering)
works on a ``Body`` and never needs to know where the mesh came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

ASSET = Path(__file__).parent / "assets" / "body.npz"
REST_HEIGHT_M = 1.69  # height of the MakeHuman base mesh
SEXES = ("female", "male", "neutral")


@dataclass(frozen=True)
class BodyShape:
    """What the CLI exposes about the person: approximated by scaling."""

    height_m: float = 1.70
    weight_kg: float = 68.0
    sex: str = "neutral"

    def __post_init__(self) -> None:
        if self.sex not in SEXES:
            raise ValueError(f"sex must be one of {SEXES}, got {self.sex!r}")
        if not (1.0 <= self.height_m <= 2.3 and 30 <= self.weight_kg <= 200):
            raise ValueError("height_m must be in [1.0, 2.3] and weight_kg in [30, 200]")


@dataclass(frozen=True)
class Body:
    """A skinned mesh in its rest pose (metres; x = left, y = up, z = forward)."""

    vertices: np.ndarray  # (V, 3) float64
    normals: np.ndarray  # (V, 3) float64, unit length
    faces: np.ndarray  # (F, 3) int32
    bone_names: tuple[str, ...]
    bone_parents: np.ndarray  # (B,) parent index, -1 for the root
    bone_heads: np.ndarray  # (B, 3) rest joint positions
    bone_tails: np.ndarray  # (B, 3) rest bone ends (used to aim end bones such as feet)
    skin_bones: np.ndarray  # (V, K) bone index per influence
    skin_weights: np.ndarray  # (V, K) weights summing to 1
    regions: np.ndarray  # (V,) paint region index
    region_names: tuple[str, ...]
    landmark_vertices: dict[str, int]

    def bone(self, name: str) -> int:
        return self.bone_names.index(name)

    def length(self, start: str, end: str) -> float:
        """Rest distance between two joints, e.g. hip to knee."""
        return float(np.linalg.norm(self.bone_heads[self.bone(end)] - self.bone_heads[self.bone(start)]))


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals (used once per shape, not per frame)."""
    tri = vertices[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n = np.zeros_like(vertices)
    for k in range(3):
        for axis in range(3):
            n[:, axis] += np.bincount(faces[:, k], weights=fn[:, axis], minlength=len(vertices))
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def girth_factors(shape: BodyShape, bone_names: tuple[str, ...]) -> np.ndarray:
    """Per-bone radial scale: heavier people are wider; sex shifts shoulders vs hips.

    The factor grows with BMI relative to the base mesh (about 22), with a
    square root because girth scales with the square root of cross-section.
    """
    bmi = shape.weight_kg / shape.height_m**2
    base = np.sqrt(bmi / 22.0)
    f = np.full(len(bone_names), base)
    if shape.sex != "neutral":
        sign = 1.0 if shape.sex == "male" else -1.0
        for i, name in enumerate(bone_names):
            if name.startswith(("clavicle", "shoulder01", "upperarm", "spine01", "spine02")):
                f[i] *= 1.0 + 0.06 * sign
            elif name.startswith(("root", "upperleg", "spine05")):
                f[i] *= 1.0 - 0.06 * sign
    return f


def load_body(shape: BodyShape = BodyShape(), asset: Path = ASSET) -> Body:
    """Load the asset, scale it to the requested height and widen by weight/sex.

    Widening moves every vertex away from the closest point on the bones it
    is bound to, so the skeleton (and hence the ground-truth joints) keeps its
    proportions while the flesh gets thicker or thinner.
    """
    data = np.load(asset)
    names = tuple(str(n) for n in data["bone_names"])
    v = data["vertices"].astype(np.float64)
    heads = data["bone_heads"].astype(np.float64)
    tails = data["bone_tails"].astype(np.float64)
    sb = data["skin_bones"].astype(np.int64)
    sw = data["skin_weights"].astype(np.float64)

    a, b = heads[sb], tails[sb]  # (V, K, 3)
    ab = b - a
    t = np.clip(np.einsum("vkc,vkc->vk", v[:, None] - a, ab) / np.einsum("vkc,vkc->vk", ab, ab), 0, 1)
    closest = np.einsum("vk,vkc->vc", sw, a + t[..., None] * ab)
    factor = np.einsum("vk,vk->v", sw, girth_factors(shape, names)[sb])
    v = closest + factor[:, None] * (v - closest)

    scale = shape.height_m / REST_HEIGHT_M
    v *= scale
    heads = heads * scale
    tails = tails * scale
    faces = data["faces"].astype(np.int32)
    return Body(
        vertices=v,
        normals=vertex_normals(v, faces),
        faces=faces,
        bone_names=names,
        bone_parents=data["bone_parents"].astype(np.int64),
        bone_heads=heads,
        bone_tails=tails,
        skin_bones=sb,
        skin_weights=sw,
        regions=data["regions"].astype(np.int64),
        region_names=tuple(str(n) for n in data["region_names"]),
        landmark_vertices={str(n): int(i) for n, i in zip(data["landmark_names"], data["landmark_vertices"])},
    )
