"""What makes the rules cheaper per frame changes no value: the measures' faster
arithmetic, bit for bit against what it replaces."""

from __future__ import annotations

import numpy as np

from formcheck.measures.measure_set import CompiledMeasure


def _old_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    u, v = a - b, c - b
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if not (nu > 0 and nv > 0):
        return float("nan")
    cos = float(np.dot(u, v) / (nu * nv))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def test_the_faster_angle_and_group_means_are_numpy_s_bit_for_bit():
    from formcheck.core.geometry import angle_deg

    rng = np.random.default_rng(7)
    for dims in (2, 3):
        points = rng.normal(0, 300, (3000, 3, dims))
        points[::50, 1] = points[::50, 0]  # zero-length arms
        points[::70, 2, 0] = np.nan
        points[::90, 2] = points[::90, 1] + (points[::90, 0] - points[::90, 1]) * 2.0  # straight: cos = 1
        for a, b, c in points:
            new, old = angle_deg(a, b, c), _old_angle(a, b, c)
            assert new == old or (np.isnan(new) and np.isnan(old))
    coords = rng.normal(0, 300, (33, 3))
    for group in [(11, 12), (23, 24, 25), (0, 7, 8, 11), (5,)]:
        (mean,) = CompiledMeasure._points(coords, (group[0] if len(group) == 1 else np.array(group),))
        assert np.array_equal(mean, coords[list(group)].mean(axis=0) if len(group) > 1 else coords[group[0]])
