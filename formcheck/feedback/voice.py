"""Voice cues on their own thread: never blocks the video loop, never talks over itself.

``Speaker.say`` only puts a cue on a queue and returns. One thread speaks the cues one
after another; a cue that waited longer than its ``max_age_s`` is dropped (a count
said late is worse than none), and the same text is not repeated within
``repeat_after_s`` (a form message shown every frame is said once). The engine is
espeak-ng, an offline speech synthesiser, run as a subprocess; without it a terminal
bell stands in for the words, with one warning.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO

ESPEAK = "espeak-ng"


class SpeechEngine(Protocol):
    def speak(self, text: str) -> None:
        """Say ``text``; returns when it has been said."""
        ...


class EspeakEngine:
    def __init__(self, executable: str, words_per_minute: int = 165) -> None:
        self._cmd = [executable, "-s", str(words_per_minute), "--"]

    def speak(self, text: str) -> None:
        try:
            subprocess.run(
                self._cmd + [text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=15, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            pass


class BellEngine:
    """No speech synthesiser: a terminal bell marks each cue."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def speak(self, text: str) -> None:
        if self._stream.isatty():
            self._stream.write("\a")
            self._stream.flush()


class SilentEngine:
    def speak(self, text: str) -> None:
        pass


@dataclass(frozen=True)
class _Cue:
    text: str
    created: float
    max_age_s: float


class Speaker:
    """A queue of cues spoken one at a time on a background thread."""

    def __init__(
        self,
        engine: SpeechEngine,
        muted: bool = False,
        repeat_after_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.muted = muted
        self.repeat_after_s = repeat_after_s
        self._clock = clock
        self._queue: queue.Queue[_Cue | None] = queue.Queue()
        self._last_said: dict[str, float] = {}
        self.spoken: list[str] = []
        self._thread = threading.Thread(target=self._run, name="formcheck-voice", daemon=True)
        self._thread.start()

    def say(self, text: str, max_age_s: float = 2.0, repeat: bool = True) -> None:
        """Queue ``text``; with ``repeat=False`` it is dropped if said recently."""
        if self.muted or not text:
            return
        now = self._clock()
        if not repeat and now - self._last_said.get(text, -1e9) < self.repeat_after_s:
            return
        self._last_said[text] = now
        self._queue.put(_Cue(text, now, max_age_s))

    def toggle_mute(self) -> bool:
        self.muted = not self.muted
        if self.muted:
            self._drain()
        return self.muted

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def _run(self) -> None:
        while True:
            cue = self._queue.get()
            if cue is None:
                return
            if self.muted or self._clock() - cue.created > cue.max_age_s:
                continue
            self.engine.speak(cue.text)
            self.spoken.append(cue.text)

    def close(self, wait_s: float = 0.0) -> None:
        """Stop after the current cue; ``wait_s`` lets queued cues finish first."""
        if wait_s <= 0:
            self._drain()
        self._queue.put(None)
        self._thread.join(timeout=max(wait_s, 0.1))


def create_speaker(
    muted: bool,
    warn: Callable[[str], None],
    bell_stream: TextIO = sys.stderr,
    which: Callable[[str], str | None] = shutil.which,
) -> Speaker:
    """espeak-ng when installed; otherwise a bell, with one warning (unless muted)."""
    executable = which(ESPEAK)
    if executable is not None:
        return Speaker(EspeakEngine(executable), muted=muted)
    if not muted:
        warn(
            f"{ESPEAK} is not installed, so voice cues are a terminal bell (install it with: apt-get install {ESPEAK})"
        )
    return Speaker(BellEngine(bell_stream), muted=muted)
