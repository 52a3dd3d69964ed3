"""What drawing the overlay costs a frame, at 854x480, 1920x1080 and 3840x2160, with the
text laid from the sprite cache against drawn directly with ``cv2.putText`` (the
baseline, in the same run), and how often a line of text was found in the cache.

The frames' states come from analysing a landmark track of a sample (made with
``formcheck track`` into a temporary folder unless ``--track`` gives one); each is drawn
at each size on a grey canvas, its landmarks scaled to the size, as ``analyze --out``
draws it. CPU time of the drawing thread only (``time.thread_time``), best of
``--repeats`` passes.

    python benchmarks/overlay_cost.py [--sample samples/cobra.mp4 -e cobra] [--track T.npz]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.engine.evaluator import FrameState  # noqa: E402
from formcheck.exercises.loader import load_exercise  # noqa: E402
from formcheck.feedback import overlay as overlay_module  # noqa: E402
from formcheck.feedback.overlay import FONT, Overlay, SpriteCache, outline_width, stroke  # noqa: E402
from formcheck.measures.measure_set import MeasureSet  # noqa: E402
from formcheck.offline.analyze import analyze  # noqa: E402

SIZES = ((854, 480), (1920, 1080), (3840, 2160))


def _states(track: Path, exercise_id: str) -> list[FrameState]:
    states: list[FrameState] = []
    exercise = load_exercise(exercise_id)
    analyze(track, exercise, lambda: None, on_state=states.append)  # type: ignore[arg-type,return-value]
    return states


def _scaled(state: FrameState, size: tuple[int, int]) -> FrameState:
    """The state as if the video had been ``size``: its landmarks scaled to it."""
    frame = state.frame
    k = size[0] / frame.image_size[0], size[1] / frame.image_size[1]
    return replace(state, frame=replace(frame, image_size=size, xy=frame.xy * np.array(k)))


def _put_text(img, text, org, colour, scale, thick=None) -> None:  # type: ignore[no-untyped-def]
    """The baseline: outline and fill drawn with ``putText`` on the frame itself."""
    thick = stroke(scale) if thick is None else thick
    cv2.putText(img, text, org, FONT, scale, (0, 0, 0), outline_width(thick), cv2.LINE_AA)
    cv2.putText(img, text, org, FONT, scale, overlay_module._bgr(colour), thick, cv2.LINE_AA)


@contextmanager
def _direct_text() -> Iterator[None]:
    laid = overlay_module._text
    overlay_module._text = _put_text
    try:
        yield
    finally:
        overlay_module._text = laid


class _CountedCache(SpriteCache):
    """The sprite cache, counting its lookups and misses."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = self.misses = 0

    def get(self, text, scale, thick, colour_bgr):  # type: ignore[no-untyped-def]
        self.lookups += 1
        self.misses += (text, scale, thick, colour_bgr) not in self._sprites
        return super().get(text, scale, thick, colour_bgr)


def _pass_ms(overlay: Overlay, states: list[FrameState], size: tuple[int, int]) -> float:
    """CPU ms a frame in ``annotate`` alone (the fresh canvas each frame is not timed:
    at 4K its copy costs about 2 ms)."""
    canvas, frame = np.full((size[1], size[0], 3), 48, np.uint8), np.empty((size[1], size[0], 3), np.uint8)
    spent = 0.0
    for state in states:
        np.copyto(frame, canvas)
        start = time.thread_time()
        overlay.annotate(frame, state)
        spent += time.thread_time() - start
    return spent / len(states) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=Path, default=ROOT / "samples" / "cobra.mp4")
    parser.add_argument("-e", "--exercise", default="cobra")
    parser.add_argument("--track", type=Path, help="a landmark track of the sample (else one is made)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        track = args.track
        if track is None:
            track = Path(tmp) / "track.npz"
            subprocess.run([sys.executable, "-m", "formcheck", "track", str(args.sample), "-o", str(track)], check=True)
        states = _states(track, args.exercise)
    exercise = load_exercise(args.exercise)
    measures = MeasureSet(exercise.measures, 0.5)
    print(f"{len(states)} frames of {args.sample.name} ({args.exercise}), CPU ms a frame, best of {args.repeats}")
    print(f"{'size':>10} {'putText':>9} {'sprites':>9} {'ratio':>7} {'cache hits':>11}")
    for size in SIZES:
        scaled = [_scaled(s, size) for s in states]
        with _direct_text():
            direct = min(_pass_ms(Overlay(exercise, measures), scaled, size) for _ in range(args.repeats))
        times, hits = [], []
        for _ in range(args.repeats):
            cache = overlay_module._CACHES.sprites = _CountedCache()  # a fresh cache each pass
            times.append(_pass_ms(Overlay(exercise, measures), scaled, size))
            hits.append(1 - cache.misses / max(cache.lookups, 1))
        laid = min(times)
        print(f"{size[0]}x{size[1]:<5} {direct:9.2f} {laid:9.2f} {direct / laid:6.2f}x {min(hits):10.1%}")


if __name__ == "__main__":
    main()
