"""The event stream: what happened and when, consumed by the overlay, the console,
the report and (later) the voice, so that all of them agree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from formcheck.core.state import Side


class EventKind(str, Enum):
    READY = "ready"  # start position seen: counting begins
    REP_STARTED = "rep_started"
    REP_COMPLETED = "rep_completed"
    REP_REJECTED = "rep_rejected"  # into position but not a rep (too small, or not back out)
    HOLD_STARTED = "hold_started"
    HOLD_COMPLETED = "hold_completed"  # the target time was reached
    HOLD_ENDED = "hold_ended"
    FAULT_STARTED = "fault_started"
    FAULT_ENDED = "fault_ended"
    SIDE_CHANGED = "side_changed"
    ACTIVE_STARTED = "active_started"  # a bout of movement (activities without reps)
    ACTIVE_ENDED = "active_ended"
    POSE_LOST = "pose_lost"
    POSE_FOUND = "pose_found"


@dataclass(frozen=True)
class Event:
    kind: EventKind
    t: float
    side: Side | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One human line, for the console and logs."""
        who = f" ({self.side})" if self.side else ""
        d = self.data
        text = {
            EventKind.READY: "start position seen, counting",
            EventKind.REP_STARTED: "into position",
            EventKind.REP_COMPLETED: f"rep {d.get('count', '')} done",
            EventKind.REP_REJECTED: f"not counted: {d.get('reason', '')}",
            EventKind.HOLD_STARTED: "holding",
            EventKind.HOLD_COMPLETED: f"hold target {d.get('target_s', 0):.0f} s reached",
            EventKind.HOLD_ENDED: f"held {d.get('duration_s', 0):.1f} s",
            EventKind.FAULT_STARTED: str(d.get("message", "")),
            EventKind.FAULT_ENDED: f"fixed: {d.get('check', '')}",
            EventKind.SIDE_CHANGED: "switched side",
            EventKind.ACTIVE_STARTED: "moving",
            EventKind.ACTIVE_ENDED: f"active for {d.get('duration_s', 0):.0f} s",
            EventKind.POSE_LOST: "person not visible",
            EventKind.POSE_FOUND: "person visible again",
        }[self.kind]
        return f"{self.t:7.2f}s  {text}{who}"
