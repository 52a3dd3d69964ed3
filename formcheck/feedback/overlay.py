"""Draws the coaching overlay on a frame: skeleton, angles, counter, hold timer, message.

``annotate(image, state)`` takes a BGR image and returns it drawn on; the style is passed
in. Colours are RGB in the style and converted only at the cv2 call.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.landmarks import SKELETON
from formcheck.core.state import Phase, Sides
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.schema import Exercise
from formcheck.feedback.wording import say, tenths
from formcheck.measures.measure_set import MeasureSet

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class OverlayStyle:
    bone: RGB = (90, 200, 255)
    bone_far: RGB = (120, 120, 140)
    joint: RGB = (255, 255, 255)
    angle_text: RGB = (255, 230, 80)
    panel: RGB = (20, 20, 28)
    text: RGB = (240, 240, 240)
    good: RGB = (80, 220, 120)
    warn: RGB = (255, 170, 60)
    min_visibility: float = 0.5
    font_scale: float = 0.6  # at a 480-pixel shorter side; text grows with the frame
    min_font_scale: float = 0.38  # the smallest that stays legible (a 320x240 frame)
    panel_alpha: float = 0.6
    # Where the counter panel may go; live coaching leaves the top right to its stats.
    corners: tuple[str, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")


def _bgr(c: RGB) -> tuple[int, int, int]:
    return (c[2], c[1], c[0])


FONT = cv2.FONT_HERSHEY_DUPLEX  # two strokes: readable where SIMPLEX's hairline is not
Box = tuple[int, int, int, int]  # x0, y0, x1, y1


def text_scale(image: np.ndarray, style: OverlayStyle) -> float:
    """Text size from the frame's shorter side, so that a portrait 1080x1920 frame gets
    the size of a landscape 1920x1080 one (not a size its width cannot hold)."""
    return max(min(image.shape[:2]) / 480.0 * style.font_scale, style.min_font_scale)


def outline_width(thick: int) -> int:
    """The black outline's thickness under a fill ``thick`` wide: wide enough to read on
    any picture, at least 2 pixels beyond the fill."""
    return thick + max(2, thick)


def stroke(scale: float) -> int:
    """Line thickness that grows with the text: 1 px on a small frame, 4-5 at 4K."""
    return max(1, int(round(scale * 1.7)))


@dataclass(frozen=True)
class TextSprite:
    """A line of outlined text drawn once, to be laid over any picture: how much of the
    picture shows through each pixel, and the text's colour by its coverage, both in
    ``uint8`` (6 bytes a pixel) so that laying is two saturating OpenCV calls."""

    keep: np.ndarray  # (h, w, 3) uint8: 255 where the picture shows through
    add: np.ndarray  # (h, w, 3) uint8: the fill's colour by its coverage, BGR
    left: int  # from the text's origin (its baseline's left end) to the sprite's corner
    top: int

    @classmethod
    def drawn(cls, text: str, scale: float, thick: int, colour_bgr: tuple[int, int, int]) -> TextSprite:
        """The black outline, then the fill, as ``cv2.putText`` with anti-aliasing draws
        them over a picture (within a few grey levels of it at the edges).

        Drawn on a canvas padded by half the text's height beside the outline (``/``, ``(``
        and ``|`` reach above the height ``getTextSize`` gives, more so in large text),
        then cut to the outline's ink."""
        outline = outline_width(thick)
        (width, height), base = cv2.getTextSize(text, FONT, scale, outline)
        pad = outline + height // 2 + 2
        org = (pad, pad + height)
        shape = (height + base + 2 * pad, width + 2 * pad)
        edge, fill = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
        cv2.putText(edge, text, org, FONT, scale, 255, outline, cv2.LINE_AA)
        cv2.putText(fill, text, org, FONT, scale, 255, thick, cv2.LINE_AA)
        x, y, w, h = cv2.boundingRect(cv2.bitwise_or(edge, fill))
        if w == 0 or h == 0:  # no ink (an empty or blank line): a sprite that lays nothing
            nothing = np.zeros((0, 0, 3), np.uint8)
            return cls(nothing, nothing, 0, 0)
        edge, fill = edge[y : y + h, x : x + w], fill[y : y + h, x : x + w]
        keep = cv2.multiply(cv2.bitwise_not(edge), cv2.bitwise_not(fill), scale=1 / 255)
        fill3 = cv2.merge([fill, fill, fill])
        add = cv2.multiply(fill3, np.full_like(fill3, colour_bgr), scale=1 / 255)
        return cls(cv2.merge([keep, keep, keep]), add, x - org[0], y - org[1])

    @property
    def nbytes(self) -> int:
        return self.keep.nbytes + self.add.nbytes

    def lay_on(self, image: np.ndarray, org: tuple[int, int]) -> None:
        """Blend onto ``image`` with the text's origin at ``org`` (clipped at its edges):
        the picture times ``keep``, plus ``add``, which cannot pass 255 (``keep`` leaves
        at most what the fill does not cover)."""
        x0, y0 = org[0] + self.left, org[1] + self.top
        height, width = self.keep.shape[:2]
        ix0, iy0 = max(x0, 0), max(y0, 0)
        ix1, iy1 = min(x0 + width, image.shape[1]), min(y0 + height, image.shape[0])
        if ix1 <= ix0 or iy1 <= iy0:
            return
        inside = (slice(iy0 - y0, iy1 - y0), slice(ix0 - x0, ix1 - x0))
        roi = image[iy0:iy1, ix0:ix1]
        cv2.multiply(roi, self.keep[inside], dst=roi, scale=1 / 255)
        cv2.add(roi, self.add[inside], dst=roi)


#: The cache's least budget, and its budget on frames above 480p: a frame's own bytes.
#: Text grows with the frame (``text_scale``), so its sprites grow with the frame's area:
#: a fixed 2 MiB held a frame's lines at 854x480 and 1920x1080 (92 and 90 % of the lines
#: from the cache, ``benchmarks/overlay_cost.py``) but not at 3840x2160, where every line
#: missed (0.1 %) and was drawn twice over, slower than drawing it directly. A frame's
#: bytes hold its lines several times over at any size.
MIN_SPRITE_BYTES = 2 << 20


class SpriteCache:
    """Text sprites by what they show, the least recently used dropped past ``max_bytes``.

    Drawing text is most of the overlay's cost (two anti-aliased ``putText`` calls per
    line), and most lines repeat from frame to frame (the counter, the message, an angle
    that has not changed): laid from the cache, a line costs a tenth to a twentieth of
    drawing it (a 26-letter line at 854x480: 8 against 470 microseconds; at 1920x1080,
    19 against 1390)."""

    def __init__(self, max_bytes: int = MIN_SPRITE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._sprites: OrderedDict[tuple[str, float, int, tuple[int, int, int]], TextSprite] = OrderedDict()
        self._bytes = 0

    def get(self, text: str, scale: float, thick: int, colour_bgr: tuple[int, int, int]) -> TextSprite:
        key = (text, scale, thick, colour_bgr)
        sprite = self._sprites.get(key)
        if sprite is not None:
            self._sprites.move_to_end(key)
            return sprite
        sprite = self._sprites[key] = TextSprite.drawn(text, scale, thick, colour_bgr)
        self._bytes += sprite.nbytes
        while self._bytes > self.max_bytes and len(self._sprites) > 1:
            self._bytes -= self._sprites.popitem(last=False)[1].nbytes
        return sprite


#: One per thread: the overlay is drawn on the drawing thread of a recorded analysis, the
#: live loop's thread and the web app's sessions at once.
_CACHES = threading.local()


def _sprites(image: np.ndarray) -> SpriteCache:
    cache = getattr(_CACHES, "sprites", None)
    if cache is None:
        cache = _CACHES.sprites = SpriteCache()
    cache.max_bytes = max(MIN_SPRITE_BYTES, image.nbytes)
    return cache


def _text(
    img: np.ndarray, text: str, org: tuple[int, int], colour: RGB, scale: float, thick: int | None = None
) -> None:
    """Outlined text, so it reads on any picture."""
    thick = stroke(scale) if thick is None else thick
    _sprites(img).get(text, scale, thick, _bgr(colour)).lay_on(img, org)


def text_size(text: str, scale: float, thick: int | None = None) -> tuple[int, int]:
    (w, h), base = cv2.getTextSize(text, FONT, scale, stroke(scale) if thick is None else thick)
    return w, h + base


def wrap_to_width(text: str, scale: float, max_width: int) -> list[str]:
    """Words in lines no wider than ``max_width`` pixels (a word wider than that alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_size(f"{lines[-1]} {word}", scale)[0] <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def shade(image: np.ndarray, box: Box, colour: RGB, alpha: float) -> None:
    """A translucent rectangle, so the picture stays visible behind the text."""
    # Blended inside the box only: over the whole frame, the copy and the blend cost
    # more than all the overlay's text (0.5 ms a frame at 854x480, several a frame).
    height, width = image.shape[:2]
    (left, right), (top, bottom) = sorted((box[0], box[2])), sorted((box[1], box[3]))  # as cv2.rectangle takes them
    x0, y0, x1, y1 = max(left, 0), max(top, 0), min(right, width - 1), min(bottom, height - 1)
    if x1 < x0 or y1 < y0:
        return
    inside = image[y0 : y1 + 1, x0 : x1 + 1]
    layer = np.empty_like(inside)
    layer[:] = _bgr(colour)
    cv2.addWeighted(layer, alpha, inside, 1 - alpha, 0, dst=inside)


def overlap(a: Box, b: Box) -> int:
    """Area two boxes share, in pixels."""
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def body_box(state: FrameState, min_visibility: float) -> Box | None:
    """The visible landmarks' bounding box, padded by a tenth of its size (the head and
    hands reach beyond their landmarks)."""
    frame = state.frame
    if not frame.has_person:
        return None
    points = frame.xy[frame.visibility >= min_visibility]
    if len(points) == 0:
        return None
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    pad_x, pad_y = 0.1 * (x1 - x0) + 10, 0.1 * (y1 - y0) + 10
    return int(x0 - pad_x), int(y0 - pad_y), int(x1 + pad_x), int(y1 + pad_y)


def _least_covering(candidates: list[Box], body: Box | None, current: int | None) -> int:
    """Index of the candidate box covering least of the body; the current one is kept
    unless another covers clearly less (a panel that jumps every frame is hard to read)."""
    covered = [overlap(c, body) if body else 0 for c in candidates]
    best = min(range(len(candidates)), key=lambda i: covered[i])
    if current is not None and covered[current] - covered[best] <= 0.15 * _area(candidates[current]):
        return current
    return best


def _area(box: Box) -> int:
    return max(1, (box[2] - box[0]) * (box[3] - box[1]))


class Overlay:
    """Knows which measures to draw where; one instance per exercise. It remembers where
    its panels are, so that they move only when the body comes under them."""

    def __init__(
        self, exercise: Exercise, measures: MeasureSet, style: OverlayStyle | None = None, notice: str = ""
    ) -> None:
        self.exercise = exercise
        self.measures = measures
        self.style = style or OverlayStyle()
        self.notice = notice  # said before every message (e.g. "This does not look like Cobra")
        self._angles = [name for name, spec in exercise.measures.items() if spec.kind == "angle"]
        self._corner: int | None = None
        self._band: int | None = None

    def annotate(self, image: np.ndarray, state: FrameState) -> np.ndarray:
        scale = text_scale(image, self.style)
        body = body_box(state, self.style.min_visibility)
        if state.frame.has_person:
            self._skeleton(image, state, scale)
        message = say(state.message)
        if self.notice:  # said with the message, in its band (wrapped, placed off the body)
            message = f"{self.notice}. {message}" if message else self.notice
        band = self._message(image, message, state.phase, scale, body)
        self._panel(image, state, scale, body, band)
        return image

    def _skeleton(self, img: np.ndarray, state: FrameState, scale: float) -> None:
        s = self.style
        xy, vis = state.frame.xy, state.frame.visibility
        far = "right" if state.side == "left" else "left"
        width = max(2, int(round(3 * scale / 0.6)))
        for a, b in SKELETON:
            if vis[a] < s.min_visibility or vis[b] < s.min_visibility:
                continue
            colour = s.bone_far if far in a.name.lower() or far in b.name.lower() else s.bone
            cv2.line(img, tuple(int(v) for v in xy[a]), tuple(int(v) for v in xy[b]), _bgr(colour), width, cv2.LINE_AA)
        for i in {j for pair in SKELETON for j in pair}:
            if vis[i] >= s.min_visibility:
                cv2.circle(img, tuple(int(v) for v in xy[i]), width + 1, _bgr(s.joint), -1, cv2.LINE_AA)
        placed: list[Box] = []
        for name in self._angles:
            value = state.measures.get(name, float("nan"))
            if np.isnan(value):
                continue
            vertex = self.measures.points_of(name, state.side)[1]
            x, y = xy[list(vertex)].mean(axis=0)
            label = f"{value:.0f}"
            org = _label_position(label, (int(x), int(y)), scale * 0.9, placed, img.shape[1::-1])
            _text(img, label, org, s.angle_text, scale * 0.9)

    def _message(self, img: np.ndarray, message: str, phase: Phase, scale: float, body: Box | None) -> Box | None:
        """The feedback message, wrapped to the frame's width, in a band at the bottom or,
        when the body is there, at the top. Returns the band drawn."""
        if not message:
            return None
        h, w = img.shape[:2]
        margin = max(6, int(12 * scale / 0.6))
        lines = wrap_to_width(message, scale, w - 2 * margin)
        step = text_size("Ag", scale)[1] + margin // 2
        height = step * len(lines) + margin
        width = min(w, max(text_size(line, scale)[0] for line in lines) + 2 * margin)
        bands = [(0, h - height, width, h), (0, 0, width, height)]
        self._band = _least_covering(bands, body, self._band)
        box = bands[self._band]
        shade(img, box, self.style.panel, self.style.panel_alpha)
        colour = self.style.warn if phase is not Phase.SETUP else self.style.text
        for i, line in enumerate(lines):
            _text(img, line, (margin, box[1] + margin // 2 + step * (i + 1) - margin // 2), colour, scale)
        return box

    def _panel_lines(self, state: FrameState) -> list[tuple[str, float]]:
        """The counter panel's rows and their sizes relative to the base text."""
        rep = self.exercise.rep
        if state.active_s is not None:
            minutes, seconds = divmod(int(state.active_s), 60)
            counts = f"Active {minutes}:{seconds:02d}"
        elif state.counts.sides is Sides.NONE:
            counts = f"Reps {state.counts.total}"
        else:
            counts = f"Reps  L {state.counts.left}   R {state.counts.right}"
        target = f" / {rep.target}" if rep and rep.target else ""
        phase = {Phase.SETUP: "getting ready", Phase.READY: "ready", Phase.POSITION: "in position"}[state.phase]
        return [(self.exercise.name, 1.0), (counts + target, 1.2), (f"{phase}  ({state.side} side)", 0.85)]

    def _panel(self, img: np.ndarray, state: FrameState, scale: float, body: Box | None, band: Box | None) -> None:
        s = self.style
        h, w = img.shape[:2]
        margin = max(6, int(10 * scale / 0.6))
        rows = self._panel_lines(state)
        steps = [text_size("Ag", scale * size)[1] + margin // 2 for _, size in rows]
        bar = text_size("Ag", scale * 0.7)[1] + margin if state.hold_target else 0
        panel_w = min(w, max(text_size(text, scale * size)[0] for text, size in rows) + 2 * margin)
        panel_w = max(panel_w, min(w, text_size("hold 00.0 / 60 s", scale * 0.7)[0] + 3 * margin))
        panel_h = sum(steps) + bar + margin
        top, bottom = (band[3], h) if band and band[1] == 0 else (0, band[1] if band else h)
        boxes = {
            "top-left": (0, top, panel_w, top + panel_h),
            "top-right": (w - panel_w, top, w, top + panel_h),
            "bottom-left": (0, bottom - panel_h, panel_w, bottom),
            "bottom-right": (w - panel_w, bottom - panel_h, w, bottom),
        }
        candidates = [boxes[c] for c in s.corners]
        self._corner = _least_covering(candidates, body, self._corner)
        x0, y0, x1, _ = candidates[self._corner]
        shade(img, candidates[self._corner], s.panel, s.panel_alpha)
        y = y0
        for (text, size), step in zip(rows, steps):
            y += step
            bold = size > 1 and scale >= 0.6  # a thicker stroke would blur small text
            _text(img, text, (x0 + margin, y - margin // 2), s.text, scale * size, stroke(scale * size) + bold)
        if state.hold_target:
            frac = min(state.hold_elapsed / state.hold_target, 1.0)
            bx0, by0, by1 = x0 + margin, y + margin // 3, y + bar
            bar_w = x1 - x0 - 2 * margin
            cv2.rectangle(img, (bx0, by0), (bx0 + bar_w, by1), _bgr(s.text), max(1, stroke(scale) // 2))
            colour = s.good if frac >= 1.0 else s.warn
            cv2.rectangle(img, (bx0, by0), (bx0 + int(bar_w * frac), by1), _bgr(colour), -1)
            label = f"hold {tenths(state.hold_elapsed):>4} / {state.hold_target:g} s"
            _text(img, label, (bx0 + margin // 2, by1 - margin // 2), s.text, scale * 0.7)


def _label_position(
    label: str, anchor: tuple[int, int], scale: float, placed: list[Box], size: tuple[int, int]
) -> tuple[int, int]:
    """Where to write an angle beside its joint: up-right of it unless that covers a
    label already written (two joints close together), then the other diagonals."""
    tw, th = text_size(label, scale)
    gap = max(4, th // 3)
    x, y = anchor
    width, height = size
    options = [(x + gap, y - gap), (x + gap, y + th + gap), (x - tw - gap, y - gap), (x - tw - gap, y + th + gap)]
    boxes = [(ox, oy - th, ox + tw, oy) for ox, oy in options]
    free = [i for i, b in enumerate(boxes) if not any(overlap(b, p) for p in placed)]
    inside = [
        i for i in free if boxes[i][0] >= 0 and boxes[i][1] >= 0 and boxes[i][2] <= width and boxes[i][3] <= height
    ]
    chosen = (inside or free or [0])[0]
    placed.append(boxes[chosen])
    return options[chosen]
