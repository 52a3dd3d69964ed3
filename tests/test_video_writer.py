"""The annotated video: H.264 in MP4 with faststart, every frame at its own timestamp and
at the source's size; the OpenCV fallback only where H.264 cannot be written, and said."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.reports import video_writer
from formcheck.reports.video_writer import count_frames, open_video_writer

FPS = 30.0


def frames(n: int, size: tuple[int, int]) -> list[np.ndarray]:
    """Moving stripes, so that every frame differs from the one before."""
    w, h = size
    x = np.arange(w, dtype=np.int32)
    return [np.repeat(((x + 7 * i) % 256).astype(np.uint8)[None, :, None], h, 0).repeat(3, 2) for i in range(n)]


def write(path: Path, images: list[np.ndarray], times: list[float] | None = None) -> str | None:
    h, w = images[0].shape[:2]
    writer = open_video_writer(path, FPS, (w, h))
    for i, image in enumerate(images):
        writer.write(image, None if times is None else times[i])
    writer.close()
    return writer.note


def test_mp4_is_h264_with_every_frame_its_size_and_timestamps(tmp_path: Path) -> None:
    times = [i / FPS for i in range(40)]
    times[20:] = [t + 0.5 for t in times[20:]]  # a gap, as a video with a dropped stretch has
    note = write(tmp_path / "a.mp4", frames(40, (320, 240)), times)
    assert note is None
    with av.open(str(tmp_path / "a.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 320, 240)
        decoded = [frame.time for frame in container.decode(video=0)]
    assert decoded == pytest.approx(times, abs=1e-4)
    assert count_frames(tmp_path / "a.mp4") == 40


def test_x264_runs_on_one_thread_for_small_frames_and_chooses_for_large_ones(tmp_path: Path) -> None:
    """x264 writes its settings into the stream: one thread up to a megapixel (its frame
    threads cost more CPU there than they save, CPU the pose model wants). On one CPU
    x264 chooses one thread itself: there neither check can tell the two apart."""
    write(tmp_path / "small.mp4", frames(5, (854, 480)))
    assert b" threads=1 lookahead_threads=1 " in (tmp_path / "small.mp4").read_bytes()
    if (os.cpu_count() or 1) > 1:
        write(tmp_path / "large.mp4", frames(5, (1280, 800)))
        assert b" threads=1 lookahead_threads=1 " not in (tmp_path / "large.mp4").read_bytes()


def test_mp4_has_its_index_before_the_data(tmp_path: Path) -> None:
    """Faststart: a browser can play the file while it is still arriving."""
    write(tmp_path / "a.mp4", frames(10, (64, 48)))
    data = (tmp_path / "a.mp4").read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat")


def test_webm_is_vp8(tmp_path: Path) -> None:
    assert write(tmp_path / "a.webm", frames(12, (64, 48))) is None
    with av.open(str(tmp_path / "a.webm")) as container:
        assert container.streams.video[0].codec_context.name == "vp8"
    assert count_frames(tmp_path / "a.webm") == 12


def test_an_odd_frame_size_loses_one_row_and_column_and_says_so(tmp_path: Path) -> None:
    note = write(tmp_path / "a.mp4", frames(10, (65, 49)))
    assert note is not None and "64x48" in note and "65x49" in note
    with av.open(str(tmp_path / "a.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 64, 48)
    assert count_frames(tmp_path / "a.mp4") == 10


def test_without_an_h264_encoder_the_fallback_is_mp4v(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_writer, "_has_encoder", lambda _name: False)
    note = write(tmp_path / "a.mp4", frames(10, (64, 48)))
    assert note is not None and "no libx264 encoder" in note
    with av.open(str(tmp_path / "a.mp4")) as container:
        assert container.streams.video[0].codec_context.name == "mpeg4"


def test_the_file_is_counted_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames the encoder took that never reached the file make ``close`` fail."""
    monkeypatch.setattr(video_writer.PyAVWriter, "_mux", lambda self, packets: None)
    with pytest.raises(video_writer.OutputError, match="cannot write video"):
        write(tmp_path / "a.mp4", frames(10, (64, 48)))


@pytest.mark.parametrize("fallback", [False, True])
def test_a_block_that_ends_commits_and_one_that_raises_aborts(tmp_path: Path, monkeypatch, fallback) -> None:
    """As a context manager the writer checks and finishes the file on success; on an
    error it only stops, and the block's own error is the one that comes out."""
    if fallback:
        monkeypatch.setattr(video_writer, "_has_encoder", lambda name: False)
    images = frames(6, (64, 48))
    with open_video_writer(tmp_path / "ok.mp4", FPS, (64, 48)) as writer:
        for image in images:
            writer.write(image)
    assert count_frames(tmp_path / "ok.mp4") == 6
    closed: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        with open_video_writer(tmp_path / "stopped.mp4", FPS, (64, 48)) as writer:
            monkeypatch.setattr(writer, "close", lambda: closed.append("close"))
            writer.write(images[0])
            raise KeyboardInterrupt
    assert closed == []  # aborted, not committed (a commit would check the file and fail)
