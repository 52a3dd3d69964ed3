"""The layers live coaching draws over the exercise overlay: a banner (countdown,
paused), an instruction card, and the processing rate and delay in a corner.

Each function takes an image, draws on it and returns it; the style is passed in.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.feedback.overlay import RGB, OverlayStyle, _bgr, _text


@dataclass(frozen=True)
class HudStyle:
    base: OverlayStyle = OverlayStyle()
    banner: RGB = (255, 210, 80)
    card_alpha: float = 0.75
    wrap_chars: int = 58


def _scale(image: np.ndarray, style: HudStyle) -> float:
    return max(image.shape[0] / 480.0, 0.6) * style.base.font_scale


def _shade(
    image: np.ndarray, top_left: tuple[int, int], bottom_right: tuple[int, int], colour: RGB, alpha: float
) -> None:
    layer = image.copy()
    cv2.rectangle(layer, top_left, bottom_right, _bgr(colour), -1)
    cv2.addWeighted(layer, alpha, image, 1 - alpha, 0, dst=image)


def draw_banner(image: np.ndarray, text: str, style: HudStyle = HudStyle()) -> np.ndarray:
    """Large text across the middle: "3", "Paused"..."""
    scale = _scale(image, style) * 2.2
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 3)
    h, w = image.shape[:2]
    x, y = max((w - tw) // 2, 4), (h + th) // 2
    _shade(image, (x - 12, y - th - 12), (x + tw + 12, y + 14), style.base.panel, 0.55)
    _text(image, text, (x, y), style.banner, scale, 3)
    return image


def draw_card(image: np.ndarray, title: str, lines: list[str], style: HudStyle = HudStyle()) -> np.ndarray:
    """A block of wrapped text under the counter panel: instructions, camera advice."""
    scale = _scale(image, style) * 0.75
    step = int(24 * scale / 0.6 * 0.75) + 4
    wrapped = [w for line in lines for w in textwrap.wrap(line, style.wrap_chars) or [""]]
    h, w = image.shape[:2]
    top = int(h * 0.28)
    rows = min(len(wrapped), max((h - top - 60) // step - 1, 0))
    widths = [cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0] for line in [title] + wrapped[:rows]]
    _shade(
        image, (0, top), (min(w, max(widths) + 24), top + step * (rows + 1) + 12), style.base.panel, style.card_alpha
    )
    _text(image, title, (12, top + step), style.banner, scale * 1.1, 2)
    for i, line in enumerate(wrapped[:rows]):
        _text(image, line, (12, top + step * (i + 2)), style.base.text, scale)
    return image


def draw_stats(
    image: np.ndarray, fps: float, delay_ms: float, dropped: int, style: HudStyle = HudStyle()
) -> np.ndarray:
    """Processing rate, camera-to-display delay and dropped frames, top right."""
    scale = _scale(image, style) * 0.7
    text = f"{fps:4.1f} fps  {delay_ms:3.0f} ms  drop {dropped}"
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    w = image.shape[1]
    _shade(image, (w - tw - 16, 0), (w, th + 14), style.base.panel, 0.6)
    _text(image, text, (w - tw - 8, th + 6), style.base.text, scale)
    return image
