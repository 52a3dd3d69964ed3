"""Make the repository root importable so ``tools.render`` resolves under plain ``pytest``."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def pytest_collection_modifyitems(items):
    """Every render test draws frames with the software renderer: slow."""
    import pytest

    for item in items:
        if "tests/render/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
