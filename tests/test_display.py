"""The live window's "closed by the user" detection, on a scripted HighGUI (no X server)."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest

from formcheck.feedback.display import WindowDisplay


def scripted_highgui(visible: list[float]) -> SimpleNamespace:
    """A stand-in for cv2's window functions whose WND_PROP_VISIBLE reads ``visible`` in turn."""
    readings = iter(visible)
    return SimpleNamespace(
        WINDOW_NORMAL=0,
        WINDOW_KEEPRATIO=0,
        WINDOW_GUI_NORMAL=0,
        WND_PROP_VISIBLE=4,
        namedWindow=lambda title, flags: None,
        resizeWindow=lambda title, w, h: None,
        imshow=lambda title, image: None,
        waitKey=lambda ms: -1,
        destroyWindow=lambda title: None,
        getWindowProperty=lambda title, prop: next(readings),
    )


@pytest.mark.parametrize(
    "visible, closed_at",
    [
        (
            [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
            5,
        ),  # a busy X server maps it on the fourth frame; then the user closes it
        ([1.0, 1.0, 1.0, 1.0], None),
        ([0.0] * 6, None),  # a backend that never reports it visible: closing is not detected, keys still work
    ],
    ids=["mapped late, then closed", "open throughout", "never reported"],
)
def test_the_window_is_closed_only_after_it_was_seen(
    monkeypatch: pytest.MonkeyPatch, visible: list[float], closed_at: int | None
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", scripted_highgui(visible))
    window = WindowDisplay("formcheck", (640, 480))
    image = np.zeros((48, 64, 3), np.uint8)
    closed = []
    for _ in visible:
        window.show(image)
        closed.append(window.closed)
    expected = [closed_at is not None and i >= closed_at for i in range(len(visible))]
    assert closed == expected
