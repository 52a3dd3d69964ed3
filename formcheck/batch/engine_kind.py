"""Where a batch runs: its own module, so that the command line can offer the choice
without importing the batch machinery."""

from __future__ import annotations

from enum import Enum


class EngineKind(str, Enum):
    LOCAL = "local"  # this machine: in this process, or in local worker processes
    RAY = "ray"  # a Ray cluster
