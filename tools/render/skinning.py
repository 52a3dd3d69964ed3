"""Forward kinematics and linear blend skinning in numpy.

Joint rotations are expressed in the body's rest axes (x = left, y = up,
z = forward), because every rest bone frame is taken axis-aligned: a knee
bend is then simply a rotation about x, whatever the bone roll in the rig.
"""

from __future__ import annotations

import numpy as np

from tools.render.body import Body


def rotation_matrix(axis_angle: np.ndarray) -> np.ndarray:
    """Rodrigues' formula for one rotation vector (radians)."""
    theta = float(np.linalg.norm(axis_angle))
    if theta < 1e-12:
        return np.eye(3)
    k = axis_angle / theta
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(theta) * kx + (1 - np.cos(theta)) * kx @ kx


def euler_xyz_deg(flex: float, twist: float, side: float) -> np.ndarray:
    """Rotation from (about x, about y, about z) angles in degrees, applied x then y then z."""
    rx = rotation_matrix(np.array([np.radians(flex), 0.0, 0.0]))
    ry = rotation_matrix(np.array([0.0, np.radians(twist), 0.0]))
    rz = rotation_matrix(np.array([0.0, 0.0, np.radians(side)]))
    return rz @ ry @ rx


def forward_kinematics(
    body: Body, local_rot: np.ndarray, root_rot: np.ndarray, root_pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Global bone rotations (B, 3, 3) and posed joint positions (B, 3).

    ``local_rot[j]`` rotates bone j about its own head, relative to its
    parent; the root bone is then placed by ``root_rot`` and ``root_pos``
    (the world position of the root joint).  Bones are stored parents first.
    """
    n = len(body.bone_names)
    g_rot = np.empty((n, 3, 3))
    g_pos = np.empty((n, 3))
    heads = body.bone_heads
    for j in range(n):
        p = body.bone_parents[j]
        if p < 0:
            g_rot[j] = root_rot @ local_rot[j]
            g_pos[j] = root_pos
        else:
            g_rot[j] = g_rot[p] @ local_rot[j]
            g_pos[j] = g_pos[p] + g_rot[p] @ (heads[j] - heads[p])
    return g_rot, g_pos


def skin(body: Body, g_rot: np.ndarray, g_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posed vertices and normals by linear blend skinning.

    Each bone maps a rest point x to ``g_rot @ (x - head) + g_pos``; the
    vertex is the weight-blend of its bones' results.  Normals are blended
    with the same rotations (cheaper than recomputing from faces, and smooth
    enough for Lambert shading).
    """
    offsets = g_pos - np.einsum("bij,bj->bi", g_rot, body.bone_heads)
    m_rot = np.einsum("vk,vkij->vij", body.skin_weights, g_rot[body.skin_bones])
    m_off = np.einsum("vk,vki->vi", body.skin_weights, offsets[body.skin_bones])
    verts = np.einsum("vij,vj->vi", m_rot, body.vertices) + m_off
    normals = np.einsum("vij,vj->vi", m_rot, body.normals)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    return verts, normals
