"""A video's poses kept for a second look (recognition's pose pass, then counting), in an
unnamed temporary file instead of memory.

As ``PoseFrame`` objects a pose takes about 3.7 KB of memory: 400 MB for an hour of
video at 30 fps, on top of the models. Written as fixed-size binary records to a file
that has no name (``tempfile.TemporaryFile``: nobody else can open it and it is gone
when closed or when the process ends), memory stays flat whatever the length; the
values are the same float64s, so counting from them gives what the pass saw. The file
holds landmarks only, never pictures.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import NUM_LANDMARKS

RECORD = np.dtype(
    [
        ("index", "<i8"),
        ("t", "<f8"),
        ("size", "<i8", 2),
        ("xy", "<f8", (NUM_LANDMARKS, 2)),
        ("z", "<f8", NUM_LANDMARKS),
        ("visibility", "<f8", NUM_LANDMARKS),
        ("world", "<f8", (NUM_LANDMARKS, 3)),
        ("has_world", "?"),
        ("brightness", "<f8"),
        ("scene_cut", "?"),
        ("people", "<i8"),  # -1: not counted
        ("interpolated", "?"),
    ]
)
CHUNK = 512  # records written and read at a time (about 1 MB)


class KeptPoses:
    """Poses appended in order and read back, as often as wanted, in the same order."""

    def __init__(self, poses: Iterable[PoseFrame] = ()) -> None:
        self._file = tempfile.TemporaryFile(prefix="formcheck-poses-")
        self._pending = np.zeros(CHUNK, RECORD)
        self._n_pending = 0
        self._n = 0
        self.with_person = 0  # poses in which somebody was found
        for pose in poses:
            self.append(pose)

    def append(self, pose: PoseFrame) -> None:
        row = self._pending[self._n_pending]
        row["index"], row["t"], row["size"] = pose.index, pose.timestamp_s, pose.image_size
        row["xy"], row["z"], row["visibility"] = pose.xy, pose.z, pose.visibility
        row["has_world"] = pose.world is not None
        row["world"] = pose.world if pose.world is not None else 0.0
        row["brightness"], row["scene_cut"] = pose.brightness, pose.scene_cut
        row["people"] = -1 if pose.people is None else pose.people
        row["interpolated"] = pose.interpolated
        self._n_pending += 1
        self._n += 1
        self.with_person += pose.has_person
        if self._n_pending == CHUNK:
            self._flush()

    def _flush(self) -> None:
        self._file.seek(0, 2)
        self._file.write(self._pending[: self._n_pending].tobytes())
        self._n_pending = 0

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[PoseFrame]:
        self._flush()
        for start in range(0, self._n, CHUNK):
            self._file.seek(start * RECORD.itemsize)
            chunk = np.frombuffer(self._file.read(min(CHUNK, self._n - start) * RECORD.itemsize), RECORD)
            yield from (_pose(row) for row in chunk)

    def close(self) -> None:
        self._file.close()


def _pose(row: np.void) -> PoseFrame:
    people = int(row["people"])
    return PoseFrame(
        index=int(row["index"]),
        timestamp_s=float(row["t"]),
        image_size=(int(row["size"][0]), int(row["size"][1])),
        xy=row["xy"].copy(),
        z=row["z"].copy(),
        visibility=row["visibility"].copy(),
        brightness=float(row["brightness"]),
        scene_cut=bool(row["scene_cut"]),
        people=None if people < 0 else people,
        world=row["world"].copy() if row["has_world"] else None,
        interpolated=bool(row["interpolated"]),
    )
