"""The keys of the live window and what each one does."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from formcheck.feedback.display import ESC


class KeyAction(Enum):
    PAUSE = "pause"  # space: pause or resume
    RESET = "reset"  # r: back to the setup check, counts cleared
    NEXT = "next"  # n: end this exercise, go on to the next
    MUTE = "mute"  # m: voice off or on
    STATS = "stats"  # i: rate and delay shown or hidden
    QUIT = "quit"  # q or Esc


KEYS = {
    " ": KeyAction.PAUSE,
    "r": KeyAction.RESET,
    "n": KeyAction.NEXT,
    "m": KeyAction.MUTE,
    "i": KeyAction.STATS,
    "q": KeyAction.QUIT,
    ESC: KeyAction.QUIT,
}


def key_actions(keys: Iterable[str]) -> list[KeyAction]:
    """The actions of the keys pressed, in order (other keys do nothing)."""
    return [KEYS[k] for k in keys if k in KEYS]
