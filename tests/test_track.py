"""Landmark tracks keep everything the later stages read, through a save and a load."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.errors import InputError
from formcheck.sources.track import Track
from tests.synthetic import bridge_frame


def test_a_saved_track_loads_back_frame_for_frame(tmp_path):
    frames = [
        bridge_frame(i, i / 30, 0.1 * i).with_scene(100.0 + i, i == 2).with_people([None, 1, 2][i]) for i in range(3)
    ]
    Track.from_frames(frames, "clip.mp4", 30.0).save(tmp_path / "t.npz")
    loaded = list(Track.load(tmp_path / "t.npz").frames())
    assert [f.people for f in loaded] == [None, 1, 2]
    assert [f.scene_cut for f in loaded] == [False, False, True]
    assert [f.brightness for f in loaded] == [100.0, 101.0, 102.0]
    for before, after in zip(frames, loaded):
        np.testing.assert_allclose(after.xy, before.xy, atol=1e-3)
        assert after.timestamp_s == before.timestamp_s


def test_a_track_with_arrays_of_different_lengths_is_a_clear_error(tmp_path):
    frames = [bridge_frame(i, i / 30, 0.0).with_people(1) for i in range(4)]
    track = Track.from_frames(frames, "clip.mp4", 30.0)
    np.savez_compressed(tmp_path / "t.npz", format="formcheck.track/1", source="clip.mp4", fps=30.0, image_size=np.array([640, 480]),
                        t=track.t, xy=track.xy, z=track.z, visibility=track.visibility, people=track.people[:2])  # fmt: skip
    with pytest.raises(InputError, match="people has 2 rows for 4 frames"):
        Track.load(tmp_path / "t.npz")


def test_metric_3d_landmarks_survive_a_save_and_a_load_and_old_tracks_have_none(tmp_path):
    rng = np.random.default_rng(1)
    flat = [bridge_frame(i, i / 30, 0.0) for i in range(3)]
    frames = [f.with_points(f.xy, f.z, rng.random((33, 3))) for f in flat]
    Track.from_frames(frames, "clip.mp4", 30.0).save(tmp_path / "world.npz")
    for before, after in zip(frames, Track.load(tmp_path / "world.npz").frames()):
        np.testing.assert_allclose(after.world, before.world, atol=1e-6)
    Track.from_frames(flat, "clip.mp4", 30.0).save(tmp_path / "flat.npz")
    assert next(Track.load(tmp_path / "flat.npz").frames()).world is None
