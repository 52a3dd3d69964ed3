"""The overlay's layout on frames of any shape: text fits, labels stay apart, panels avoid the body."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.body import Posture, View
from formcheck.core.frame import PoseFrame
from formcheck.core.reasons import declared
from formcheck.core.state import Counts
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.hud import LIVE_CORNERS, draw_banner, draw_card, draw_stats, draw_warning
from formcheck.feedback.overlay import (
    FONT,
    Overlay,
    OverlayStyle,
    SpriteCache,
    TextSprite,
    _label_position,
    body_box,
    outline_width,
    overlap,
    stroke,
    text_scale,
    text_size,
    wrap_to_width,
)
from formcheck.feedback.screen import fit_to_screen
from formcheck.measures.measure_set import MeasureSet

SIZES = [(1080, 1920), (1920, 1080), (854, 480), (320, 240), (3840, 2160)]
LONG = "Stretch your arms out in front of you and rest your forehead on the floor, breathing slowly"


def _state(size: tuple[int, int], body: tuple[float, float, float, float], message: str = LONG) -> FrameState:
    """A person whose landmarks fill ``body`` (fractions x0, y0, x1, y1 of the frame)."""
    w, h = size
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = body
    xy = np.column_stack([rng.uniform(x0 * w, x1 * w, 33), rng.uniform(y0 * h, y1 * h, 33)])
    frame = PoseFrame(0, 0.0, size, xy, np.zeros(33), np.ones(33))
    return FrameState(
        t=0.0,
        frame=frame,
        side="left",
        measures={},
        posture=Posture.KNEELING,
        view=View.SIDE,
        phase="position",
        counts=Counts.of_both(4),
        hold_elapsed=1.5,
        hold_target=60.0,
        motion=0.0,
        active_s=None,
        setup_problems=[],
        message=declared(message),
    )


def _overlay(exercise_id: str = "childs_pose") -> Overlay:
    exercise = load_exercise(exercise_id)
    return Overlay(exercise, MeasureSet(exercise.measures, 0.5))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_long_messages_wrap_within_the_frame(size):
    image = np.zeros((size[1], size[0], 3), np.uint8)
    scale = text_scale(image, OverlayStyle())
    lines = wrap_to_width(LONG, scale, size[0] - 24)
    assert " ".join(lines) == LONG
    assert all(text_size(line, scale)[0] <= size[0] - 24 for line in lines)


def test_text_grows_with_the_shorter_side():
    """Portrait and landscape frames of one resolution get one text size."""
    style = OverlayStyle()
    portrait, landscape = (np.zeros((h, w, 3), np.uint8) for w, h in [(1080, 1920), (1920, 1080)])
    assert text_scale(portrait, style) == text_scale(landscape, style) == pytest.approx(1.35)
    assert text_scale(np.zeros((240, 320, 3), np.uint8), style) == style.min_font_scale


def test_labels_of_joints_close_together_do_not_overlap():
    placed: list = []
    for anchor in [(400, 300), (404, 306), (398, 296)]:
        _label_position("168", anchor, 1.0, placed, (854, 480))
    assert all(overlap(a, b) == 0 for i, a in enumerate(placed) for b in placed[i + 1 :])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("where", ["top-left", "bottom-left", "top-right"])
def test_panels_keep_off_the_body(size, where):
    """A body in one corner of the frame: neither the counter panel nor the message's
    band covers it (the frame has room for both elsewhere)."""
    w, h = size
    corner = {
        "top-left": (0.02, 0.02, 0.35, 0.3),
        "bottom-left": (0.02, 0.6, 0.35, 0.7),
        "top-right": (0.65, 0.02, 0.98, 0.3),
    }
    state = _state(size, corner[where])
    blank = np.full((h, w, 3), 128, np.uint8)
    person_only = np.full((h, w, 3), 128, np.uint8)
    drawn = _overlay().annotate(blank, state)
    overlay = _overlay()
    overlay._message = lambda *args: None  # type: ignore[method-assign]
    overlay._panel = lambda *args: None  # type: ignore[method-assign]
    overlay.annotate(person_only, state)
    x0, y0, x1, y1 = body_box(state, 0.5)
    inside = (slice(max(y0, 0), y1), slice(max(x0, 0), x1))
    assert np.array_equal(drawn[inside], person_only[inside])  # only the skeleton is drawn over the body


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_card_and_banner_fit(size):
    """The instruction card keeps within 90 % of the width, the banner within the frame,
    the stats in the top right corner."""
    w, h = size
    card = draw_card(np.zeros((h, w, 3), np.uint8), "Child's pose", [LONG, LONG])
    assert card.any() and not card[:, int(0.9 * w) + 1 :].any()
    banner = draw_banner(np.zeros((h, w, 3), np.uint8), "Paused")
    assert banner.any() and not banner[:, : int(0.05 * w)].any() and not banner[:, w - int(0.05 * w) :].any()
    stats = draw_stats(np.zeros((h, w, 3), np.uint8), 12.5, 80.0, 3)
    assert stats[: h // 10, w // 2 :].any() and not stats[h // 5 :].any()  # top right only


@pytest.mark.parametrize("size", [*SIZES, (382, 680)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_too_slow_warning_keeps_off_the_live_counter_panel(size):
    """Live coaching's counter panel (top left, the body elsewhere) and the warning under
    the stats never share a pixel, on any frame shape."""
    w, h = size
    state = _state(size, (0.3, 0.5, 0.7, 0.95), message="")
    base = np.full((h, w, 3), 128, np.uint8)
    panel = Overlay(load_exercise("bridge"), MeasureSet({}, 0.5), OverlayStyle(corners=LIVE_CORNERS))
    panel._message = lambda *args: None  # type: ignore[method-assign]
    drawn = panel.annotate(base.copy(), state)
    person_only = _overlay("bridge")
    person_only._panel = person_only._message = lambda *args: None  # type: ignore[method-assign]
    panel_pixels = (drawn != person_only.annotate(base.copy(), state)).any(axis=2)
    warning = draw_warning(np.zeros((h, w, 3), np.uint8), "Too slow to count (6 fps): close other programs")
    warning_pixels = warning.any(axis=2)
    assert panel_pixels.any() and warning_pixels.any()
    assert not (panel_pixels & warning_pixels).any()


@pytest.mark.parametrize(
    "size, screen, fitted",
    [
        ((1080, 1920), (1280, 800), (382, 680)),  # the portrait phone video: the whole picture, smaller
        ((3840, 2160), (1920, 1080), (1632, 918)),
        ((640, 480), (1920, 1080), (640, 480)),  # never enlarged
        ((640, 480), None, (640, 480)),  # no screen known (no X display)
    ],
)
def test_live_window_fits_the_screen(size, screen, fitted):
    assert fit_to_screen(size, screen) == fitted


def _put_text(image: np.ndarray, text: str, org: tuple[int, int], scale: float, thick: int) -> np.ndarray:
    """What the overlay drew before its text was cached, outline then fill, cut at the
    picture's edges (drawn on a larger canvas: ``putText`` itself loses part of a stroke
    that crosses the picture's edge)."""
    import cv2

    margin = 400
    canvas = cv2.copyMakeBorder(image, margin, margin, margin, margin, cv2.BORDER_CONSTANT)
    at = (org[0] + margin, org[1] + margin)
    cv2.putText(canvas, text, at, FONT, scale, (0, 0, 0), outline_width(thick), cv2.LINE_AA)
    cv2.putText(canvas, text, at, FONT, scale, (80, 230, 255), thick, cv2.LINE_AA)
    return canvas[margin:-margin, margin:-margin]


def _looks_as_drawn(text: str, org: tuple[int, int], scale: float, thick: int, size=(854, 480)) -> None:
    picture = np.random.default_rng(1).integers(0, 256, (size[1], size[0], 3), np.uint8)
    drawn, laid = _put_text(picture, text, org, scale, thick), picture.copy()
    TextSprite.drawn(text, scale, thick, (80, 230, 255)).lay_on(laid, org)
    diff = np.abs(drawn.astype(int) - laid.astype(int))
    assert diff.max() <= 10  # anti-aliased edges round differently (outline and fill blend in one step)
    assert (diff > 2).mean() < 0.002
    assert (laid != picture).any()


@pytest.mark.parametrize(
    "org", [(100, 200), (-30, 12), (800, 475)], ids=["inside", "off the top left", "off the bottom right"]
)
def test_a_cached_line_of_text_looks_as_drawn_and_clips_at_the_edges(org):
    _looks_as_drawn("Reps 3/10  152", org, 0.6, 1)


#: The text sizes the overlay draws: the smallest, 480p, 1080p and 4K frames, and banners
#: (2.2 times the frame's size), each plain (``stroke``) and bold (one thicker).
DRAWN_SCALES = [0.38, 0.6, 1.35, 2.7, 0.6 * 2.2, 1.35 * 2.2, 2.7 * 2.2]


@pytest.mark.parametrize("bold", [0, 1], ids=["plain", "bold"])
@pytest.mark.parametrize("scale", DRAWN_SCALES)
def test_tall_glyphs_are_not_cut_at_any_size_the_overlay_draws(scale, bold):
    """``/``, ``(``, ``)`` and ``|`` reach above the height ``getTextSize`` gives, the more
    so the larger the text: a sprite as tall as that height cut their tops off."""
    _looks_as_drawn("(3/10) |Paused|", (300, 1200), scale, stroke(scale) + bold, size=(3840, 2160))


@pytest.mark.parametrize("text", ["", " ", "   "], ids=["empty", "a space", "spaces"])
def test_a_line_with_no_ink_lays_nothing(text):
    picture = np.random.default_rng(2).integers(0, 256, (120, 200, 3), np.uint8)
    laid = picture.copy()
    TextSprite.drawn(text, 0.6, 1, (80, 230, 255)).lay_on(laid, (10, 60))
    assert (laid == picture).all()


def test_a_card_with_a_blank_line_draws():
    image = np.zeros((480, 854, 3), np.uint8)
    draw_card(image, "Cobra", ["Lie face down", "", "Press up"])
    assert image.any()


def test_the_text_cache_keeps_what_repeats_within_its_bytes():
    cache = SpriteCache(max_bytes=60_000)
    first = cache.get("Hold 3.2 s", 0.6, 1, (255, 255, 255))
    assert cache.get("Hold 3.2 s", 0.6, 1, (255, 255, 255)) is first
    for i in range(50):
        cache.get(f"angle {i}", 0.6, 1, (255, 255, 255))
    assert sum(s.nbytes for s in cache._sprites.values()) <= 60_000
    assert cache.get("Hold 3.2 s", 0.6, 1, (255, 255, 255)) is not first  # evicted: drawn again


def test_the_text_cache_drops_the_least_recently_used_not_the_oldest():
    one = TextSprite.drawn("Hold 3.2 s", 0.6, 1, (255, 255, 255)).nbytes
    cache = SpriteCache(max_bytes=2 * one + one // 2)  # room for two such lines
    held = cache.get("Hold 3.2 s", 0.6, 1, (255, 255, 255))
    cache.get("Hold 3.3 s", 0.6, 1, (255, 255, 255))
    assert cache.get("Hold 3.2 s", 0.6, 1, (255, 255, 255)) is held  # used again: now the most recent
    cache.get("Hold 3.4 s", 0.6, 1, (255, 255, 255))  # evicts one: the 3.3 line, used least recently
    assert cache.get("Hold 3.2 s", 0.6, 1, (255, 255, 255)) is held


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080), (3840, 2160)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_frame_drawn_again_finds_all_its_text_in_the_cache_at_any_size(size, monkeypatch):
    """The cache's budget grows with the frame: a fixed one held a 480p frame's lines but
    not a 4K frame's, where every line missed and was drawn twice over."""
    import threading

    from formcheck.feedback import overlay as overlay_module

    drawn: list[str] = []
    sprite = TextSprite.drawn
    monkeypatch.setattr(TextSprite, "drawn", lambda text, *rest: drawn.append(text) or sprite(text, *rest))
    monkeypatch.setattr(overlay_module, "_CACHES", threading.local())
    overlay, state = _overlay(), _state(size, (0.3, 0.3, 0.7, 0.7))
    overlay.annotate(np.zeros((size[1], size[0], 3), np.uint8), state)
    first = len(drawn)
    overlay.annotate(np.zeros((size[1], size[0], 3), np.uint8), state)
    assert first >= 3 and len(drawn) == first
