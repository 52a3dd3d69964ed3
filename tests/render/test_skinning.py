"""Skinning and posing maths on the real body asset (no GL needed)."""

import numpy as np
import pytest

from tools.render.body import BodyShape, load_body
from tools.render.posing import arc, two_bone
from tools.render.skinning import forward_kinematics, rotation_matrix, skin


@pytest.fixture(scope="module")
def body():
    return load_body()


def identity(body):
    return np.tile(np.eye(3), (len(body.bone_names), 1, 1))


def test_identity_pose_returns_rest_mesh(body):
    g_rot, g_pos = forward_kinematics(body, identity(body), np.eye(3), body.bone_heads[0])
    verts, normals = skin(body, g_rot, g_pos)
    np.testing.assert_allclose(verts, body.vertices, atol=1e-6)
    np.testing.assert_allclose(normals, body.normals, atol=1e-6)


def test_rotating_a_joint_moves_only_weighted_vertices(body):
    local = identity(body)
    knee = body.bone("lowerleg01.L")
    local[knee] = rotation_matrix(np.array([np.radians(60), 0, 0]))
    g_rot, g_pos = forward_kinematics(body, local, np.eye(3), body.bone_heads[0])
    verts, _ = skin(body, g_rot, g_pos)
    subtree = {knee, body.bone("foot.L")}
    weight = np.where(np.isin(body.skin_bones, list(subtree)), body.skin_weights, 0).sum(axis=1)
    moved = np.linalg.norm(verts - body.vertices, axis=1) > 1e-6  # weights sum to 1 within float32
    assert moved.any()
    assert not moved[weight == 0].any()
    assert moved[weight > 0.5].all()


def test_forward_kinematics_keeps_bone_lengths(body):
    rng = np.random.default_rng(1)
    local = np.stack([rotation_matrix(rng.normal(0, 0.4, 3)) for _ in body.bone_names])
    _, g_pos = forward_kinematics(body, local, rotation_matrix(np.array([0, 1.0, 0])), np.zeros(3))
    for j, p in enumerate(body.bone_parents):
        if p >= 0:
            rest = np.linalg.norm(body.bone_heads[j] - body.bone_heads[p])
            assert np.linalg.norm(g_pos[j] - g_pos[p]) == pytest.approx(rest, abs=1e-9)


def test_height_scaling():
    tall = load_body(BodyShape(height_m=1.90))
    assert np.ptp(tall.vertices[:, 1]) == pytest.approx(1.90, rel=0.02)


def test_arc_and_two_bone_ik():
    a, b = np.array([0.0, -1, 0]), np.array([1.0, 0, 0])
    np.testing.assert_allclose(arc(a, b) @ a, b, atol=1e-12)
    start, target = np.zeros(3), np.array([0.5, -0.5, 0.0])
    d1, d2 = two_bone(start, target, 0.4, 0.45, hint=np.array([0.0, 0, 1]))
    np.testing.assert_allclose(start + 0.4 * d1 + 0.45 * d2, target, atol=1e-6)
    assert (0.4 * d1)[2] > 0  # bends towards the hint
