"""Why one exercise of a live session ended, as a closed set the caller can act on."""

from __future__ import annotations

from enum import StrEnum


class EndReason(StrEnum):
    """How the loop over one exercise ended. The values are the words the routine
    report's ``ended_by`` has always carried."""

    TARGET = "target"  # a routine's rep target was met
    NEXT = "next"  # the n key
    QUIT = "quit"  # q or Esc
    WINDOW = "window"  # the window was closed
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM
    SOURCE = "source"  # the video file ended
    CAMERA = "camera"  # the camera failed

    @property
    def moves_on(self) -> bool:
        """A routine goes on to its next exercise (every other ending stops it)."""
        return self in (EndReason.TARGET, EndReason.NEXT)
