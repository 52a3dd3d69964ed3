"""A growing NumPy column: per-frame values kept for a whole video in a few bytes each.

A Python list of bools or floats holds an 8-byte pointer per item (and a 24-byte object
per float); an hour of video at 30 fps is 108,000 frames, and recognition keeps six
flags per frame for each of twelve exercises. As ``bool`` columns that is 7.8 MB an hour
instead of 62 MB.
"""

from __future__ import annotations

import numpy as np

FIRST_CAPACITY = 1024


class Column:
    """Values appended one at a time into an array that doubles when full."""

    def __init__(self, dtype: type | np.dtype) -> None:
        self._data = np.empty(FIRST_CAPACITY, dtype)
        self._n = 0

    def append(self, value: object) -> None:
        if self._n == len(self._data):
            grown = np.empty(2 * len(self._data), self._data.dtype)
            grown[: self._n] = self._data
            self._data = grown
        self._data[self._n] = value
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def last(self, default: object) -> object:
        """The last value appended, or ``default`` while there is none."""
        return self._data[self._n - 1] if self._n else default

    def values(self) -> np.ndarray:
        """The values so far, as an array (a read-only view: later appends never change it)."""
        view = self._data[: self._n]
        view.flags.writeable = False
        return view
