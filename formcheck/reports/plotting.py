"""matplotlib, imported on first use: it takes about a second to import, which commands
that draw no plot (``list``, ``show``, ``report``, ``history`` without ``--plot``)
should not pay. One place sets it up for every plot formcheck draws."""

from __future__ import annotations

import io
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@cache
def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, rendering to memory (no display) with names from files as
    plain text ('$x$' is no formula)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["text.parse_math"] = False
    return plt


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    pyplot().close(fig)
    return buf.getvalue()
