"""The layers live coaching draws over the exercise overlay: a banner (countdown,
paused), an instruction card, the processing rate and delay in a corner, and under it
a warning when processing is too slow to count.

Each function takes an image, draws on it and returns it; the style is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.feedback.overlay import RGB, OverlayStyle, _text, shade, stroke, text_scale, text_size, wrap_to_width

LIVE_CORNERS = ("top-left", "bottom-left", "bottom-right")  # the top right holds the stats


@dataclass(frozen=True)
class HudStyle:
    base: OverlayStyle = OverlayStyle()
    banner: RGB = (255, 210, 80)
    warning: RGB = (190, 80, 10)  # dark orange: the panel behind a warning
    warning_text: RGB = (255, 255, 255)
    warning_width: float = 0.45  # of the frame's width, at most: clear of the counter panel
    card_alpha: float = 0.75
    card_width: float = 0.9  # of the frame's width, at most


def draw_banner(image: np.ndarray, text: str, style: HudStyle = HudStyle()) -> np.ndarray:
    """Large text across the middle: "3", "Paused"..."""
    h, w = image.shape[:2]
    scale = text_scale(image, style.base) * 2.2
    scale = min(scale, scale * 0.85 * w / max(text_size(text, scale)[0], 1))  # "Paused" fits a narrow frame
    tw, th = text_size(text, scale, stroke(scale) + 1)
    x, y = max((w - tw) // 2, 4), (h + th) // 2
    pad = max(6, th // 5)
    shade(image, (x - pad, y - th - pad, x + tw + pad, y + pad), style.base.panel, 0.55)
    _text(image, text, (x, y - th // 5), style.banner, scale, stroke(scale) + 1)
    return image


def draw_card(image: np.ndarray, title: str, lines: list[str], style: HudStyle = HudStyle()) -> np.ndarray:
    """A block of wrapped text under the counter panel: instructions, camera advice."""
    scale = text_scale(image, style.base) * 0.75
    h, w = image.shape[:2]
    margin = max(6, int(12 * scale / 0.45))
    step = text_size("Ag", scale)[1] + margin // 2
    wrapped = [
        part for line in lines for part in wrap_to_width(line, scale, int(w * style.card_width) - 2 * margin) or [""]
    ]
    top = int(h * 0.28)
    rows = min(len(wrapped), max((h - top - 3 * step) // step - 1, 0))
    widths = [text_size(line, scale)[0] for line in [title] + wrapped[:rows]]
    box = (0, top, min(w, max(widths) + 2 * margin), top + step * (rows + 1) + margin)
    shade(image, box, style.base.panel, style.card_alpha)
    _text(image, title, (margin, top + step), style.banner, scale * 1.1, stroke(scale) + 1)
    for i, line in enumerate(wrapped[:rows]):
        _text(image, line, (margin, top + step * (i + 2)), style.base.text, scale)
    return image


def draw_stats(
    image: np.ndarray, fps: float, delay_ms: float, dropped: int, style: HudStyle = HudStyle()
) -> np.ndarray:
    """Processing rate, camera-to-display delay and dropped frames, top right."""
    scale = text_scale(image, style.base) * 0.7
    text = f"{fps:4.1f} fps  {delay_ms:3.0f} ms  drop {dropped}"
    tw, th = text_size(text, scale)
    w = image.shape[1]
    shade(image, (w - tw - 16, 0, w, th + 12), style.base.panel, 0.6)
    _text(image, text, (w - tw - 8, th + 2), style.base.text, scale)
    return image


def draw_warning(image: np.ndarray, text: str, style: HudStyle = HudStyle()) -> np.ndarray:
    """A wrapped amber box in the top right corner, under the stats line."""
    scale = text_scale(image, style.base) * 0.7
    h, w = image.shape[:2]
    pad = max(4, text_size("Ag", scale)[1] // 3)
    # The same share of a portrait frame too: the live counter panel holds the top left,
    # and a box 0.9 of a narrow window wide ran over its "Reps 0 / 10" (Xvfb, 382x680).
    width = int(w * style.warning_width) - 2 * pad
    lines = wrap_to_width(text, scale, width)
    step = text_size("Ag", scale)[1] + pad
    box_w = max(text_size(line, scale)[0] for line in lines) + 2 * pad
    top = step + 2 * pad  # below the stats line
    shade(image, (w - box_w, top, w, top + step * len(lines) + pad), style.warning, 0.85)
    for i, line in enumerate(lines):
        _text(image, line, (w - box_w + pad, top + step * (i + 1) - pad // 2), style.warning_text, scale)
    return image
