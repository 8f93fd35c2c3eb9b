"""Random rounding to base 5, keyed (reports.rounding)."""

import statistics

import pytest

from reports.rounding import rounded


def test_the_same_count_of_the_same_cell_is_always_rounded_the_same_way():
    first = [rounded(value, "incidents", "national:", "2025-01-01", "2025-03-31") for value in range(100)]
    again = [rounded(value, "incidents", "national:", "2025-01-01", "2025-03-31") for value in range(100)]
    assert first == again


def test_another_cell_or_key_draws_afresh(settings):
    cells = [tuple(rounded(3, "table", "t", row, 1) for row in range(40))]
    settings.REPORT_ROUNDING_KEY = "another key of the site"
    cells.append(tuple(rounded(3, "table", "t", row, 1) for row in range(40)))
    assert set(cells[0]) == {0, 5}  # some cells up, some down
    assert cells[0] != cells[1]


@pytest.mark.parametrize("value", [1, 2, 3, 4, 6, 7, 13, 99])
def test_rounding_is_unbiased_over_many_cells(value):
    """On average a rounded count is the true count: 3 is shown as 5 about 3 times in 5."""
    shown = [rounded(value, "table", "t", cell, 1) for cell in range(4000)]
    assert abs(statistics.fmean(shown) - value) < 0.25
    below = value - value % 5
    assert set(shown) == {below, below + 5}


@pytest.mark.parametrize("value", [0, 5, 10, 35, 1000])
def test_zeros_and_multiples_of_5_are_shown_as_they_are(value):
    assert {rounded(value, "table", "t", cell, 1) for cell in range(200)} == {value}


def test_a_rounded_count_is_a_multiple_of_5_never_negative_and_within_4_of_the_truth():
    for value in range(0, 60):
        for cell in range(30):
            shown = rounded(value, "figure", cell)
            assert shown >= 0 and shown % 5 == 0 and abs(shown - value) <= 4
