"""The real, hand-labelled clips beside the repository (``../shared/clips``): where they
are, and the marks every test on them carries (slow; skipped when they are absent, as on
a machine without them). The benchmarks' helpers are put on the path for these tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIPS = ROOT.parent / "shared" / "clips"
sys.path.insert(0, str(ROOT / "benchmarks"))

REAL_CLIP_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CLIPS / "labels.csv").exists(), reason="../shared/clips not present"),
]
