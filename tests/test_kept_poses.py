"""Recognition's kept poses read back exactly as the pose pass gave them."""

from __future__ import annotations

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.offline.kept_poses import CHUNK, KeptPoses


def _poses(n: int) -> list[PoseFrame]:
    rng = np.random.default_rng(5)
    poses = []
    for i in range(n):
        if i % 7 == 3:
            poses.append(PoseFrame.empty(i, i / 30, (854, 480)))
            continue
        pose = PoseFrame(
            i,
            i / 29.97,
            (854, 480),
            rng.uniform(0, 854, (33, 2)),
            rng.normal(size=33),
            rng.uniform(0, 1, 33),
            brightness=float(rng.uniform(0, 255)),
            scene_cut=i % 50 == 0,
            people=None if i % 3 else int(rng.integers(1, 4)),
            world=None if i % 5 == 0 else rng.normal(size=(33, 3)),
            interpolated=i % 4 == 1,
        )
        poses.append(pose)
    return poses


def _same(a: PoseFrame, b: PoseFrame) -> bool:
    arrays = all(
        np.array_equal(x, y, equal_nan=True) for x, y in [(a.xy, b.xy), (a.z, b.z), (a.visibility, b.visibility)]
    )
    world = (a.world is None and b.world is None) or (
        a.world is not None and b.world is not None and np.array_equal(a.world, b.world)
    )
    same_brightness = np.isnan(a.brightness) and np.isnan(b.brightness) or a.brightness == b.brightness
    scalars = (a.index, a.timestamp_s, a.image_size, a.scene_cut, a.people, a.interpolated) == (
        b.index,
        b.timestamp_s,
        b.image_size,
        b.scene_cut,
        b.people,
        b.interpolated,
    )
    return arrays and world and same_brightness and scalars


def test_poses_read_back_bit_for_bit_and_twice() -> None:
    poses = _poses(2 * CHUNK + 17)  # whole chunks and a part one
    kept = KeptPoses(poses[:100])
    for pose in poses[100:]:
        kept.append(pose)
    assert len(kept) == len(poses)
    assert kept.with_person == sum(p.has_person for p in poses)
    for _ in range(2):  # counting from them reads them again
        back = list(kept)
        assert len(back) == len(poses) and all(_same(a, b) for a, b in zip(poses, back, strict=True))
    kept.close()


def test_nothing_kept() -> None:
    kept = KeptPoses()
    assert len(kept) == 0 and list(kept) == [] and kept.with_person == 0
