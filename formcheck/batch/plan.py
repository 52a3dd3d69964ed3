"""What a batch has to do: the videos found in the inputs, the names of their outputs,
and the key that says whether an earlier run already did the same work.

A job's key digests the video's bytes, the formcheck version, the exercise as loaded
(so a changed threshold is new work and an edited comment is not), the pose backend and
its version, ``--mirrored``, and the outputs asked for. Names come from the video's path below the
folder it was found in, so ``clips/a/x.mp4`` gives ``results/a/x.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2

from formcheck import __version__
from formcheck.core.errors import InputError, UsageError
from formcheck.exercises.schema import Exercise
from formcheck.offline.analyze import TRACK_SUFFIX
from formcheck.sources.track import Track

#: What a folder is searched for (case-insensitive). Files named on the command line
#: are taken whatever their suffix, landmark tracks (.npz) included.
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp"})
CHUNK = 1 << 20


@dataclass(frozen=True)
class Outputs:
    """The per-video files besides the JSON report that every video gets."""

    html: bool = False
    csv: bool = False
    video: bool = False
    frames: bool = False  # key frames in the HTML report (on with --frames, or with a video)


@dataclass(frozen=True)
class BatchSettings:
    """Everything a worker needs besides the job; plain values, so it travels to other
    processes and Ray workers."""

    exercise: str  # id or .toml path, loaded by each worker
    exercise_id: str  # the loaded exercise's id, for the rows of videos that failed
    backend: str
    model: Path | None
    backend_label: str  # pose.backend_label(backend, model)
    mirrored: bool  # a selfie-mirrored recording: left and right swapped back
    outputs: Outputs
    out_dir: Path
    tracks: Path | None  # keep and reuse landmark tracks here


@dataclass(frozen=True)
class VideoJob:
    source: Path
    name: str  # output stem below the output folder, '/'-separated
    sha256: str  # of the video's bytes; "" when it cannot be read (the worker reports why)
    key: str
    frames: int = 0  # from the header, for the progress bar (0: unknown)

    def output(self, folder: Path, suffix: str) -> Path:
        return folder / f"{self.name}{suffix}"


def file_sha256(path: Path) -> str:
    """The digest of a file's bytes, read in chunks (videos can be gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _under(path: Path, folders: Iterable[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(folder.resolve()) for folder in folders)


def find_videos(inputs: Iterable[Path], skip: Iterable[Path] = ()) -> Iterator[tuple[Path, str]]:
    """(path, output name) for every input file and every video below every input folder,
    leaving out what lies in ``skip`` (the output and track folders)."""
    skip = list(skip)
    for item in inputs:
        if item.is_dir():
            found = (p for p in item.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())
            for path in sorted(p for p in found if not _under(p, skip)):
                yield path, path.relative_to(item).with_suffix("").as_posix()
        else:
            yield item, item.stem


def frame_count(path: Path) -> int:
    """From the header (a track: its length): for the progress bar, so only for the
    videos that will run; 0 when unknown."""
    if path.suffix.lower() == TRACK_SUFFIX:
        try:
            return len(Track.load(path).t)
        except InputError:
            return 0
    capture = cv2.VideoCapture(str(path))
    try:
        return max(int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
    finally:
        capture.release()


def job_key(sha256: str, exercise: Exercise, settings: BatchSettings) -> str:
    parts = {
        "formcheck": __version__,
        "video": sha256,
        "exercise": exercise.model_dump(mode="json"),
        "backend": settings.backend_label,
        "mirrored": settings.mirrored,
        "outputs": asdict(settings.outputs),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def plan_jobs(inputs: list[Path], exercise: Exercise, settings: BatchSettings) -> list[VideoJob]:
    """One job per video. Two videos that would write the same outputs are an error
    before anything runs, not one overwriting the other."""
    jobs: dict[str, VideoJob] = {}
    skip = [settings.out_dir, *([settings.tracks] if settings.tracks else [])]
    for path, name in find_videos(inputs, skip):
        if name in jobs:
            raise UsageError(
                f"{jobs[name].source} and {path} would both write {settings.out_dir / name}.json: rename one, or analyse them in separate batches"
            )
        try:
            sha256 = file_sha256(path)
        except OSError:
            sha256 = ""  # missing or unreadable: the worker says why, in the index
        jobs[name] = VideoJob(path, name, sha256, job_key(sha256, exercise, settings))
    if not jobs:
        raise InputError(f"no videos found in {', '.join(map(str, inputs))}")
    return list(jobs.values())
