"""Recorded landmark tracks: the pose stage's output saved to an ``.npz`` file.

A track lets the later stages (smoothing, measures, rules) be re-run and tuned in
milliseconds without running the pose model again, and lets tests feed exact,
generated landmark sequences through the same code path as a video.

Landmarks are stored as the 64-bit numbers the pose stage gave, and the reader's notes
about the video with them, so that analysing a track gives the report analysing its
video gives. ``backend`` says which pose model (and version) made it and
``source_sha256`` which video, so a saved track is reused only where it still holds.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.files import atomic_path
from formcheck.core.frame import PoseFrame
from formcheck.sources.video import plausible_fps

TRACK_FORMAT = "formcheck.track/1"
TEXT_KEYS = ("format", "source", "backend", "source_sha256", "notes")  # the arrays that hold text


@dataclass
class Track:
    source: str
    fps: float
    image_size: tuple[int, int]
    t: np.ndarray  # (n,)
    xy: np.ndarray  # (n, 33, 2), NaN where nobody was found
    z: np.ndarray  # (n, 33)
    visibility: np.ndarray  # (n, 33)
    brightness: np.ndarray | None = None  # (n,) mean luminance, when the images were seen
    scene_cut: np.ndarray | None = None  # (n,) bool: a new shot starts here
    people: np.ndarray | None = None  # (n,) people in view, -1 where not counted
    world: np.ndarray | None = None  # (n, 33, 3) metric landmarks, NaN where the backend gave none
    backend: str = ""  # pose backend and version (``pose.backend_label``); "" when unknown
    source_sha256: str = ""  # digest of the video's bytes; "" when unknown
    notes: tuple[str, ...] = ()  # what the video reader worked around (cut short, downscaled, ...)

    def frames(self) -> Iterator[PoseFrame]:
        n = len(self.t)
        brightness = self.brightness if self.brightness is not None else np.full(n, np.nan)
        cuts = self.scene_cut if self.scene_cut is not None else np.zeros(n, bool)
        people = self.people if self.people is not None else np.full(n, -1)
        for i in range(n):
            world = self.world[i] if self.world is not None and np.isfinite(self.world[i]).all() else None
            frame = PoseFrame(
                i, float(self.t[i]), self.image_size, self.xy[i], self.z[i], self.visibility[i], world=world
            )
            yield frame.with_scene(float(brightness[i]), bool(cuts[i])).with_people(
                int(people[i]) if people[i] >= 0 else None
            )

    @classmethod
    def from_frames(
        cls,
        frames: list[PoseFrame],
        source: str,
        fps: float,
        backend: str = "",
        source_sha256: str = "",
        notes: tuple[str, ...] = (),
    ) -> Track:
        size = frames[0].image_size if frames else (0, 0)
        return cls(
            source=source,
            fps=fps,
            image_size=size,
            t=np.array([f.timestamp_s for f in frames], dtype=float),
            xy=np.stack([f.xy for f in frames]) if frames else np.zeros((0, 33, 2)),
            z=np.stack([f.z for f in frames]) if frames else np.zeros((0, 33)),
            visibility=np.stack([f.visibility for f in frames]) if frames else np.zeros((0, 33)),
            brightness=np.array([f.brightness for f in frames], dtype=float),
            scene_cut=np.array([f.scene_cut for f in frames], dtype=bool),
            people=np.array([-1 if f.people is None else f.people for f in frames], dtype=np.int16),
            world=np.stack([f.world if f.world is not None else np.full((33, 3), np.nan) for f in frames])
            if any(f.world is not None for f in frames)
            else None,
            backend=backend,
            source_sha256=source_sha256,
            notes=tuple(notes),
        )

    def save(self, path: Path) -> None:
        """Written atomically: an interrupted save leaves any earlier track in place."""
        with atomic_path(path) as tmp:
            self._write(tmp)

    def _write(self, path: Path) -> None:
        np.savez_compressed(
            path,
            format=TRACK_FORMAT,
            source=self.source,
            fps=self.fps,
            image_size=np.array(self.image_size),
            t=self.t,
            xy=self.xy,
            z=self.z,
            visibility=self.visibility,
            brightness=self.brightness if self.brightness is not None else np.full(len(self.t), np.nan),
            scene_cut=self.scene_cut if self.scene_cut is not None else np.zeros(len(self.t), bool),
            people=self.people if self.people is not None else np.full(len(self.t), -1, np.int16),
            **({"world": self.world} if self.world is not None else {}),
            backend=self.backend,
            source_sha256=self.source_sha256,
            notes=np.array(self.notes, dtype=str),
        )

    def __post_init__(self) -> None:
        n = len(self.t)
        per_frame = {
            "xy": self.xy,
            "z": self.z,
            "visibility": self.visibility,
            "brightness": self.brightness,
            "scene_cut": self.scene_cut,
            "people": self.people,
            "world": self.world,
        }
        for name, array in per_frame.items():
            if array is not None and len(array) != n:
                raise ValueError(f"{name} has {len(array)} rows for {n} frames")

    def validate(self) -> None:
        """What the rules take on trust: 33 landmarks a frame, a frame rate, and times that
        are finite and move forward (a report's durations come from them)."""
        n = len(self.t)
        shapes = {"t": (n,), "xy": (n, 33, 2), "z": (n, 33), "visibility": (n, 33)}
        shapes |= {"world": (n, 33, 3)} if self.world is not None else {}
        for name, shape in shapes.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {shape}")
        for name in ("xy", "z", "visibility", "brightness"):
            if getattr(self, name) is not None and np.isinf(getattr(self, name)).any():
                raise ValueError(f"{name} holds infinities (NaN marks a landmark not found)")
        if not plausible_fps(self.fps):
            raise ValueError(f"fps is {self.fps:g}, not a frame rate")
        if not np.isfinite(self.t).all() or (np.diff(self.t) <= 0).any() or (n and self.t[0] < 0):
            raise ValueError("timestamps must be finite, from 0 on, and increasing")
        if min(self.image_size) < 1:
            raise ValueError(f"image_size {self.image_size} is not a picture size")

    @classmethod
    def load(cls, path: Path) -> Track:
        """Read and validate a track; anything wrong is one ``InputError`` naming the file."""
        try:
            check_sizes(path)
            with np.load(path, allow_pickle=False) as data:
                if str(data["format"]) != TRACK_FORMAT:
                    raise InputError(f"{path}: not a {TRACK_FORMAT} landmark track")
                real = {key: _real(data, key) for key in data.files if key not in TEXT_KEYS}
                track = cls(
                    source=str(data["source"]),
                    fps=float(real["fps"]),
                    image_size=(int(real["image_size"][0]), int(real["image_size"][1])),
                    t=real["t"].astype(float),
                    xy=real["xy"].astype(float),
                    z=real["z"].astype(float),
                    visibility=real["visibility"].astype(float),
                    brightness=real["brightness"].astype(float) if "brightness" in real else None,
                    scene_cut=real["scene_cut"].astype(bool) if "scene_cut" in real else None,
                    people=_whole(real["people"]) if "people" in real else None,
                    world=real["world"].astype(float) if "world" in real else None,
                    backend=str(data["backend"]) if "backend" in data else "",
                    source_sha256=str(data["source_sha256"]) if "source_sha256" in data else "",
                    notes=tuple(str(n) for n in data["notes"]) if "notes" in data else (),
                )
            track.validate()
            return track
        except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise InputError(
                f"cannot read landmark track {path}: {' '.join(str(exc).split()) or type(exc).__name__}"
            ) from None


def _real(data: np.lib.npyio.NpzFile, key: str) -> np.ndarray:
    """An array of real numbers (or booleans); text or complex numbers are refused."""
    array = data[key]
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{key} holds {array.dtype} values, not numbers")
    return array


def _whole(array: np.ndarray) -> np.ndarray:
    """People counts: whole numbers (-1 where not counted)."""
    if not np.isfinite(array).all():
        raise ValueError("people must be whole numbers")
    return array.astype(int)


def check_sizes(path: Path) -> None:
    """Refuse a track whose arrays declare more data than the file holds (a crafted
    header can ask numpy for gigabytes before a byte is read)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                header = (
                    np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = header(member)
                declared = math.prod(shape) * dtype.itemsize
                if declared > info.file_size:
                    raise ValueError(f"{info.filename} declares {declared} bytes in {info.file_size}")
