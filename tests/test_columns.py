"""The growing NumPy column that per-frame verdicts are kept in."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.columns import FIRST_CAPACITY, Column


def test_column_keeps_every_value_across_growth() -> None:
    values = [i * 0.1 for i in range(3 * FIRST_CAPACITY + 5)]
    column = Column(float)
    for v in values:
        column.append(v)
    assert len(column) == len(values)
    assert column.values().dtype == np.float64
    assert column.values().tolist() == values  # exact: float64 as appended


def test_column_last_and_empty() -> None:
    column = Column(bool)
    assert column.last(False) is False and len(column) == 0 and column.values().shape == (0,)
    column.append(True)
    assert bool(column.last(False)) is True


def test_values_taken_earlier_stay_as_they_were() -> None:
    column = Column(bool)
    for i in range(FIRST_CAPACITY):
        column.append(i % 2 == 0)
    before = column.values()
    for _ in range(FIRST_CAPACITY):  # grows: a new array underneath
        column.append(True)
    assert len(before) == FIRST_CAPACITY and before.tolist() == [i % 2 == 0 for i in range(FIRST_CAPACITY)]
    with pytest.raises(ValueError):
        before[0] = False  # read-only: nobody changes the verdicts behind the column's back
