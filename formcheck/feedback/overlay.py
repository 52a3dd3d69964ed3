"""Draws the coaching overlay on a frame: skeleton, angles, counter, hold timer, message.

``annotate(image, state)`` takes a BGR image and returns it drawn on; the style is passed
in. Colours are RGB in the style and converted only at the cv2 call.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.landmarks import SKELETON
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.schema import Exercise
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
    font_scale: float = 0.6


def _bgr(c: RGB) -> tuple[int, int, int]:
    return (c[2], c[1], c[0])


def _text(img: np.ndarray, text: str, org: tuple[int, int], colour: RGB, scale: float, thick: int = 1) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, _bgr(colour), thick, cv2.LINE_AA)


class Overlay:
    """Knows which measures to draw where; one instance per exercise."""

    def __init__(self, exercise: Exercise, measures: MeasureSet, style: OverlayStyle | None = None) -> None:
        self.exercise = exercise
        self.measures = measures
        self.style = style or OverlayStyle()
        self._angles = [name for name, spec in exercise.measures.items() if spec.kind == "angle"]

    def annotate(self, image: np.ndarray, state: FrameState) -> np.ndarray:
        scale = max(image.shape[0] / 480.0, 0.6) * self.style.font_scale
        if state.frame.has_person:
            self._skeleton(image, state, scale)
        self._panel(image, state, scale)
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
        for name in self._angles:
            value = state.measures.get(name, float("nan"))
            if np.isnan(value):
                continue
            vertex = self.measures.points_of(name, state.side)[1]
            x, y = xy[list(vertex)].mean(axis=0)
            _text(img, f"{value:.0f}", (int(x) + 8, int(y) - 8), s.angle_text, scale * 0.9)

    def _panel(self, img: np.ndarray, state: FrameState, scale: float) -> None:
        s = self.style
        line = int(28 * scale / 0.6)
        h, w = img.shape[:2]
        panel_w = min(w, int(300 * scale / 0.6))
        rows = 4
        overlay = img.copy()
        cv2.rectangle(overlay, (0, 0), (panel_w, line * rows + 10), _bgr(s.panel), -1)
        cv2.addWeighted(overlay, 0.6, img, 0.4, 0, dst=img)
        _text(img, self.exercise.name, (10, line), s.text, scale)
        rep = self.exercise.rep
        if state.active_s is not None:
            minutes, seconds = divmod(int(state.active_s), 60)
            counts = f"Active {minutes}:{seconds:02d}"
        elif "total" in state.counts:
            counts = f"Reps {state.counts['total']}"
        else:
            counts = f"Reps  L {state.counts.get('left', 0)}   R {state.counts.get('right', 0)}"
        target = f" / {rep.target}" if rep and rep.target else ""
        _text(img, counts + target, (10, 2 * line), s.text, scale * 1.2, 2)
        phase = {"setup": "getting ready", "ready": "ready", "position": "in position"}[state.phase]
        _text(img, f"{phase}  ({state.side} side)", (10, 3 * line), s.text, scale * 0.85)
        if state.hold_target:
            frac = min(state.hold_elapsed / state.hold_target, 1.0)
            x0, y0, bar_w = 10, 3 * line + 12, panel_w - 20
            cv2.rectangle(img, (x0, y0), (x0 + bar_w, y0 + line // 2), _bgr(s.text), 1)
            colour = s.good if frac >= 1.0 else s.warn
            cv2.rectangle(img, (x0, y0), (x0 + int(bar_w * frac), y0 + line // 2), _bgr(colour), -1)
            _text(
                img,
                f"hold {state.hold_elapsed:4.1f} / {state.hold_target:g} s",
                (x0 + 4, y0 + line // 2 - 3),
                s.text,
                scale * 0.7,
            )
        if state.message:
            (tw, th), _ = cv2.getTextSize(state.message, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
            y = h - 12
            overlay = img.copy()
            cv2.rectangle(overlay, (0, y - th - 12), (min(w, tw + 24), h), _bgr(s.panel), -1)
            cv2.addWeighted(overlay, 0.6, img, 0.4, 0, dst=img)
            _text(img, state.message, (12, y), s.warn if state.phase != "setup" else s.text, scale)
