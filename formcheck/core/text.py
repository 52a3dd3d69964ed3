"""Text from files, made safe to print on a terminal.

A report someone sent, an exercise or routine file, a history row: any of them may hold
escape sequences (clear the screen, move the cursor, set the window title), a carriage
return that overwrites a line, bidirectional overrides that reorder what is shown, or
lone surrogates that cannot be encoded. Everything formcheck prints passes through
``printable``, which shows such characters as visible escapes instead.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

# C0 controls but tab and newline, DEL and C1 controls, bidi marks/overrides/isolates, surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, bidi and surrogate character written as ``\\x1b`` or ``\\u202e``."""
    return _UNSAFE.sub(_escape, text)


class PrintableOut(io.TextIOBase):
    """A text stream that writes ``printable`` text to another one."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return self._out.isatty()
