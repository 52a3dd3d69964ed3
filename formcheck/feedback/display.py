"""Where live frames go: a resizable window with key input, or nowhere (headless).

Both satisfy ``Display``: ``show(image)`` returns the keys pressed since the last call
as characters (``"esc"`` for Escape); ``closed`` is true once the user closed the window.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

ESC = "esc"


class Display(Protocol):
    def show(self, image_bgr: np.ndarray | None) -> list[str]: ...

    @property
    def closed(self) -> bool: ...

    def close(self) -> None: ...


class NullDisplay:
    """Headless: nothing shown, no keys (Ctrl-C or SIGTERM end the session)."""

    closed = False

    def show(self, image_bgr: np.ndarray | None) -> list[str]:
        return []

    def close(self) -> None:
        pass


class WindowDisplay:
    """An OpenCV HighGUI window the user can resize; ``waitKey`` also pumps its events."""

    def __init__(self, title: str, size: tuple[int, int]) -> None:
        import cv2

        self._cv2 = cv2
        self.title = title
        self._mapped = False  # seen on screen at least once
        self._closed = False
        # Resizable, keeps the picture's proportions, no toolbar (Qt builds add one otherwise).
        cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
        cv2.resizeWindow(title, *size)

    def show(self, image_bgr: np.ndarray | None) -> list[str]:
        cv2 = self._cv2
        if self._closed:
            return []
        if image_bgr is not None:
            cv2.imshow(self.title, image_bgr)
        code = cv2.waitKey(1)
        # A new window can be mapped some frames after the first imshow (a window manager
        # placing it, a slow display); until it has been seen visible once, "not visible"
        # means "not there yet", not "closed by the user".
        visible = cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) >= 1
        self._closed = self._mapped and not visible
        self._mapped = self._mapped or visible
        if code < 0:
            return []
        code &= 0xFF
        return [ESC if code == 27 else chr(code).lower()]

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        if not self._closed:
            self._cv2.destroyWindow(self.title)
            self._cv2.waitKey(1)
            self._closed = True
