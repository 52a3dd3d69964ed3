"""Finding a test's own child processes by their command line (in /proc), to kill one
on purpose: only descendants of the process the test started are ever matched."""

from __future__ import annotations

import os


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            pid = _parent(pid)
        except (OSError, ValueError):
            return False
    return False


def descendants(ancestor: int, command_start: str = "", containing: str = "") -> list[int]:
    """Descendants of ``ancestor`` whose command line starts with ``command_start`` and
    contains ``containing``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == ancestor:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if command.startswith(command_start) and containing in command and _descends_from(int(entry), ancestor):
            found.append(int(entry))
    return found
