"""Why one exercise of a live session ended, as a closed set front ends act on, with
the plain words a summary says it in."""

from __future__ import annotations

from enum import StrEnum


class EndReason(StrEnum):
    """How one exercise of a live session (the CLI's or the web page's) ended. The values
    are the words the routine report's ``ended_by`` has always carried."""

    TARGET = "target"  # a routine's rep target was met
    NEXT = "next"  # the n key, or the page's next button
    QUIT = "quit"  # q or Esc
    WINDOW = "window"  # the window was closed
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM
    SOURCE = "source"  # the video file ended
    CAMERA = "camera"  # the camera failed
    FINISH = "finish"  # the web page's finish button
    CLOSED = "closed"  # the web page was closed
    SWITCH = "switch"  # recognition saw the person start another exercise

    @property
    def moves_on(self) -> bool:
        """A routine goes on to its next exercise (every other ending stops it)."""
        return self in (EndReason.TARGET, EndReason.NEXT, EndReason.SWITCH)

    @property
    def words(self) -> str:
        """What happened, for a person: "the video ended", not "source"."""
        return WORDS[self]


WORDS = {
    EndReason.TARGET: "the target was met",
    EndReason.NEXT: "moved on to the next exercise",
    EndReason.QUIT: "you quit",
    EndReason.WINDOW: "the window was closed",
    EndReason.INTERRUPTED: "stopped by Ctrl-C",
    EndReason.SOURCE: "the video ended",
    EndReason.CAMERA: "the camera disappeared",
    EndReason.FINISH: "you finished",
    EndReason.CLOSED: "the page was closed",
    EndReason.SWITCH: "you started the next exercise",
}
