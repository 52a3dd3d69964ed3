"""The screen's size, to open the live window no larger than the screen: a portrait
phone video (1080x1920) opened at its own size on a 1280x800 screen shows only the top
of the picture. Read from X11 through libX11 (which OpenCV's window already uses);
elsewhere, or without an X display, the size is unknown and the window keeps its size."""

from __future__ import annotations

import ctypes
import ctypes.util
import os


def screen_size() -> tuple[int, int] | None:
    """(width, height) of the X display's default screen, or None when unknown."""
    if not os.environ.get("DISPLAY"):
        return None
    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return None
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    try:
        for name in ("XDefaultScreen", "XCloseDisplay"):
            getattr(x11, name).argtypes = [ctypes.c_void_p]
        for name in ("XDisplayWidth", "XDisplayHeight"):
            getattr(x11, name).argtypes = [ctypes.c_void_p, ctypes.c_int]
        screen = x11.XDefaultScreen(display)
        return int(x11.XDisplayWidth(display, screen)), int(x11.XDisplayHeight(display, screen))
    finally:
        x11.XCloseDisplay(display)


def fit_to_screen(size: tuple[int, int], screen: tuple[int, int] | None, share: float = 0.85) -> tuple[int, int]:
    """``size`` scaled down, proportions kept, to at most ``share`` of the screen (room
    for the title bar and a task bar); never enlarged."""
    if screen is None:
        return size
    width, height = size
    factor = min(1.0, share * screen[0] / width, share * screen[1] / height)
    return max(1, int(width * factor)), max(1, int(height * factor))
