from reports.suppression import HIDDEN, suppress_table
from reports.tables import Table


def table(rows, total_column=True, total_row=True):
    return Table("t", "T", ["", "a", "b", "c", "Total"], rows, total_column, total_row)


def test_counts_from_1_to_4_are_hidden_and_zero_stays():
    t = suppress_table(table([["x", 0, 7, 12, 19], ["Total", 0, 7, 12, 19]]))
    assert t.rows[0][1:] == [0, 7, 12, 19]
    t = suppress_table(table([["x", 3, 7, 12, 22], ["y", 6, 9, 9, 24], ["Total", 9, 16, 21, 46]]))
    assert t.rows[0][1] == HIDDEN


def test_a_second_cell_is_hidden_where_the_total_would_reveal_the_first():
    t = suppress_table(table([["x", 3, 7, 12, 22], ["y", 6, 9, 9, 24], ["Total", 9, 16, 21, 46]]))
    assert t.rows[0][1] == HIDDEN
    # every row and column with a hidden cell has at least two
    for row in t.rows:
        assert sum(1 for v in row[1:] if isinstance(v, str)) != 1
    for c in range(1, 5):
        assert sum(1 for row in t.rows if isinstance(row[c], str)) != 1


def test_original_table_is_left_untouched():
    original = table([["x", 3, 7, 12, 22], ["Total", 3, 7, 12, 22]])
    suppress_table(original)
    assert original.rows[0][1] == 3
