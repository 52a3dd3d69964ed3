"""Turn a high-level ``Pose`` into per-bone rotations.

Why this layer: exercises are easiest to describe as "pelvis faces up, thigh
points there, hand rests on that spot of the floor".  This module converts
such a description into the local joint rotations that skinning needs, using
world-space aiming for limbs and a two-bone IK for reaching.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tools.render.body import Body
from tools.render.skinning import euler_xyz_deg, forward_kinematics, rotation_matrix

SPINE = ("spine05", "spine04", "spine03", "spine02", "spine01")
SPINE_SHARE = (0.24, 0.22, 0.2, 0.18, 0.16)  # lumbar bends most
NECK = ("neck01", "neck02", "neck03")
# Limb chains: (upper bone, lower bone, end joint whose head is the reach point).
CHAINS = {
    "arm": ("upperarm01", "lowerarm01", "wrist"),
    "leg": ("upperleg01", "lowerleg01", "foot"),
}
AIMABLE = ("upperarm01", "lowerarm01", "wrist", "upperleg01", "lowerleg01", "foot")


@dataclass
class Reach:
    """Place a chain's end joint at ``target`` (world), bending towards ``hint``."""

    target: np.ndarray
    hint: np.ndarray


@dataclass
class Pose:
    """A full-body pose in world terms.

    ``up`` and ``front`` orient the pelvis (body +y and +z).  ``spine``,
    ``neck`` and ``head`` are (flex, twist, side-bend) in degrees; positive
    flex bends forward.  ``aims`` maps e.g. ``"upperleg01.L"`` to a world
    direction; ``reach`` maps e.g. ``"arm.L"`` to a ``Reach`` and wins over aims.
    """

    root_pos: np.ndarray
    up: np.ndarray
    front: np.ndarray
    spine: np.ndarray = field(default_factory=lambda: np.zeros(3))
    neck: np.ndarray = field(default_factory=lambda: np.zeros(3))
    head: np.ndarray = field(default_factory=lambda: np.zeros(3))
    clavicle: np.ndarray = field(default_factory=lambda: np.zeros(3))  # L side; R mirrored
    aims: dict[str, np.ndarray] = field(default_factory=dict)
    reach: dict[str, Reach] = field(default_factory=dict)


def frame_from(up: np.ndarray, front: np.ndarray) -> np.ndarray:
    """Rotation taking body axes (left, up, front) to the given world directions."""
    y = up / np.linalg.norm(up)
    z = front - y * np.dot(front, y)
    z /= np.linalg.norm(z)
    return np.stack([np.cross(y, z), y, z], axis=1)


def arc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotation taking direction a onto direction b."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    axis = np.cross(a, b)
    s, c = np.linalg.norm(axis), float(np.dot(a, b))
    if s < 1e-9:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, [1.0, 0.0, 0.0])
        if np.linalg.norm(perp) < 1e-6:
            perp = np.cross(a, [0.0, 1.0, 0.0])
        return rotation_matrix(np.pi * perp / np.linalg.norm(perp))
    return rotation_matrix(axis / s * np.arctan2(s, c))


def two_bone(
    start: np.ndarray, target: np.ndarray, l1: float, l2: float, hint: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Directions of the two segments reaching from ``start`` to ``target``.

    The middle joint bends towards ``hint``; an unreachable target is
    approached along the straight line.
    """
    d = target - start
    dist = float(np.clip(np.linalg.norm(d), abs(l1 - l2) + 1e-6, l1 + l2 - 1e-6))
    u = d / np.linalg.norm(d)
    h = hint - u * np.dot(hint, u)
    h /= np.linalg.norm(h)
    cos_a = (l1**2 + dist**2 - l2**2) / (2 * l1 * dist)
    a = np.arccos(np.clip(cos_a, -1, 1))
    mid = start + l1 * (np.cos(a) * u + np.sin(a) * h)
    end = start + dist * u
    d1 = (mid - start) / l1
    d2 = (end - mid) / np.linalg.norm(end - mid)
    return d1, d2


def rest_direction(body: Body, j: int) -> np.ndarray:
    """Rest direction of bone j: towards its child joint, else its tail."""
    children = np.flatnonzero(body.bone_parents == j)
    limb_child = [c for c in children if body.bone_names[c].split(".")[0] in AIMABLE]
    end = body.bone_heads[limb_child[0]] if limb_child else body.bone_tails[j]
    d = end - body.bone_heads[j]
    return d / np.linalg.norm(d)


def solve(body: Body, pose: Pose) -> tuple[np.ndarray, np.ndarray]:
    """Global rotations and joint positions (world) for a pose."""
    n = len(body.bone_names)
    local = np.tile(np.eye(3), (n, 1, 1))
    for name, share in zip(SPINE, SPINE_SHARE):
        local[body.bone(name)] = euler_xyz_deg(*(pose.spine * share))
    for name in NECK:
        local[body.bone(name)] = euler_xyz_deg(*(pose.neck / len(NECK)))
    local[body.bone("head")] = euler_xyz_deg(*pose.head)
    flex, twist, side = pose.clavicle
    local[body.bone("clavicle.L")] = euler_xyz_deg(flex, twist, side)
    local[body.bone("clavicle.R")] = euler_xyz_deg(flex, -twist, -side)
    root_rot = frame_from(pose.up, pose.front)

    # Limbs need their parents' world transforms, so resolve them in order.
    g_rot, g_pos = forward_kinematics(body, local, root_rot, pose.root_pos)
    aims = dict(pose.aims)
    for chain, (upper, lower, end) in CHAINS.items():
        for s in ("L", "R"):
            r = pose.reach.get(f"{chain}.{s}")
            if r is None:
                continue
            j = body.bone(f"{upper}.{s}")
            l1 = body.length(f"{upper}.{s}", f"{lower}.{s}")
            l2 = body.length(f"{lower}.{s}", f"{end}.{s}")
            aims[f"{upper}.{s}"], aims[f"{lower}.{s}"] = two_bone(g_pos[j], r.target, l1, l2, r.hint)
    for j, name in enumerate(body.bone_names):
        if name not in aims:
            continue
        p = body.bone_parents[j]
        parent_rot = g_rot[p]
        world = arc(parent_rot @ rest_direction(body, j), aims[name]) @ parent_rot
        local[j] = parent_rot.T @ world
        g_rot, g_pos = forward_kinematics(body, local, root_rot, pose.root_pos)
    return g_rot, g_pos
