"""Short real videos for the batch tests: the rendered samples cut to their first rep
and kept at every third frame (10 fps), so the pose model runs on about 25 frames a
clip; plus a file that is no video at all."""

from __future__ import annotations

from pathlib import Path

import cv2

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
#: (sample, where it goes below the clips folder): a subfolder, to test names.
CLIPS = (("bridge", "bridge.mp4"), ("leg_stretch", "leg.mp4"), ("cobra", "sub/cobra.mp4"))
CORRUPT = "corrupt.mp4"


def short_clip(source: Path, target: Path, seconds: float = 8.0, step: int = 3) -> Path:
    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps / step, size)
    for index in range(int(seconds * fps)):
        ok, image = capture.read()
        if not ok:
            break
        if index % step == 0:
            writer.write(image)
    writer.release()
    capture.release()
    return target


def make_clips(folder: Path, corrupt: bool = True) -> Path:
    """The clips folder: the short clips, and a corrupt file beside them."""
    for sample, name in CLIPS:
        short_clip(SAMPLES / f"{sample}.mp4", folder / name)
    if corrupt:
        (folder / CORRUPT).write_bytes(b"this is not a video" * 100)
    return folder


def samples_present() -> bool:
    return all((SAMPLES / f"{sample}.mp4").is_file() for sample, _ in CLIPS)
