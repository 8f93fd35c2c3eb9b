from hypothesis import assume, given, settings, strategies as st

from reports.suppression import COMPLEMENT, HIDDEN, suppress_table
from reports.tables import Share, Table
from tests.reports.attack import worked_out


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
    assert worked_out(t) == {}


def test_cells_hidden_to_protect_another_are_marked_x_never_below_5():
    """7 regular women hidden beside 2 regular waria is not "<5": the report says <5 is 1 to 4."""
    t = suppress_table(table([["regular", 7, 2, 9, 18], ["former", 8, 6, 5, 19], ["Total", 15, 8, 14, 37]]))
    assert t.rows[0][2] == HIDDEN
    marked = [v for row in t.rows for v in row[1:] if v == COMPLEMENT]
    assert marked and all(
        original >= 5
        for row, orig in zip(t.rows, [[7, 2, 9, 18], [8, 6, 5, 19], [15, 8, 14, 37]])
        for v, original in zip(row[1:], orig)
        if v == COMPLEMENT
    )
    assert "x:" in t.note and "<5:" in t.note


def test_the_total_column_of_trainings_adds_the_genders_not_the_number_of_trainings():
    """Police: 1 training, 3 women, 10 men, total 13: hiding the training count protects nobody."""
    columns = ["Audience", "Trainings", "Woman", "Man", "Total"]
    rows = [["Police", 1, 3, 10, 13], ["Health workers", 6, 8, 9, 17], ["Total", 7, 11, 19, 30]]
    t = suppress_table(Table("t", "T", columns, rows, total_column=True, total_row=True, summed_columns=(2, 3)))
    assert t.rows[0][2] == HIDDEN
    assert worked_out(t) == {}


def test_a_percentage_beside_a_hidden_count_is_hidden():
    """5 reached, <5 covered, 40 % gives 2 back."""
    # The total row counts people once nationally (not the sum of the rows).
    rows = [["Papua", 5, 2, Share(2, 5)], ["Bali", 9, 6, Share(6, 9)], ["Total", 13, 8, Share(8, 13)]]
    t = suppress_table(
        Table(
            "t",
            "T",
            ["Branch", "Reached", "Covered", "Coverage"],
            rows,
            total_row=True,
            total_row_adds=False,
            shares={3: (2, 1)},
        )
    )
    assert t.rows[0][2] == HIDDEN and t.rows[0][3] == COMPLEMENT
    assert str(t.rows[1][3]) == "67%"
    assert worked_out(t) == {}


def test_a_hidden_total_of_5_or_more_is_marked_x():
    """Papua's total of 5 hidden to protect its cells is not "<5"."""
    rows = [["Papua", 2, 3, 5], ["Bali", 9, 6, 15], ["Total", 11, 9, 20]]
    t = suppress_table(Table("t", "T", ["Branch", "a", "b", "Total"], rows, total_column=True, total_row=True))
    assert t.rows[0][1:3] == [HIDDEN, HIDDEN]
    assert all(v != HIDDEN for v in [t.rows[0][3], *t.rows[1][1:], *t.rows[2][1:]])
    assert worked_out(t) == {}


counts = st.integers(min_value=0, max_value=7)


# Tables up to 2 x 3 and 3 x 2 (the reader's exhaustive search grows fast with hidden cells).
@settings(max_examples=80, deadline=None)
@given(st.sampled_from([(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (2, 3), (3, 2)]), st.data())
def test_no_hidden_cell_of_any_table_can_be_worked_out(shape, data):
    n_rows, n_cols = shape
    grid = [[data.draw(counts) for _c in range(n_cols)] for _r in range(n_rows)]
    rows = [[f"r{i}", *values, sum(values)] for i, values in enumerate(grid)]
    rows.append(["Total", *[sum(r[c] for r in rows) for c in range(1, n_cols + 2)]])
    columns = ["", *[f"c{i}" for i in range(n_cols)], "Total"]
    original = [list(r) for r in rows]
    t = suppress_table(Table("t", "T", columns, rows, total_column=True, total_row=True))
    # Once every non-zero cell is hidden nothing more can be: four cells of 1 under a total
    # below 5 are each 1 by "<5" alone: a limit of the mark, not of the cells chosen.
    assume(any(isinstance(v, int) and v > 0 for row in t.rows for v in row[1:]))
    assert worked_out(t) == {}, (original, t.rows)
    for row, before in zip(t.rows, original):
        for value, was in zip(row[1:], before[1:]):
            assert value == was or (value == HIDDEN and 1 <= was <= 4) or (value == COMPLEMENT and was >= 5)
        assert all(
            not (isinstance(was, int) and 1 <= was <= 4) or value == HIDDEN for value, was in zip(row[1:], before[1:])
        )


def test_original_table_is_left_untouched():
    original = table([["x", 3, 7, 12, 22], ["Total", 3, 7, 12, 22]])
    suppress_table(original)
    assert original.rows[0][1] == 3


def test_a_count_hidden_in_one_table_is_hidden_in_every_table_that_shows_it():
    """9 regular members are hidden in one table (to protect 3 honorary women); another
    table shows the same 9, so it is hidden there too, with what that needs."""
    from reports.suppression import suppress
    from reports.tables import Report, Section

    by_gender = Table(
        "by_gender",
        "T",
        ["Kind", "Woman", "Total"],
        [["Regular", 9, 9], ["Honorary", 3, 3], ["Total", 12, 12]],
        total_column=True,
        total_row=True,
        links={("kind", "regular"): (0, 2)},
    )
    # Alone, nothing of this table would be hidden: no count below 5.
    by_branch = Table(
        "by_branch",
        "T",
        ["Branch", "Regular", "Other", "Total"],
        [["Jakarta", 9, 7, 16], ["Bali", 5, 6, 11], ["Total", 14, 13, 27]],
        total_column=True,
        total_row=True,
        links={("kind", "regular"): (0, 1)},
    )
    assert suppress_table(by_branch).rows == by_branch.rows
    report = Report(None, None, None, "", None, [], [Section("s", "S", [by_gender, by_branch])])
    first, second = suppress(report).sections[0].tables
    assert first.rows[0][2] == COMPLEMENT
    assert second.rows[0][1] == COMPLEMENT
    assert worked_out(first) == {} and worked_out(second) == {}


def test_a_cell_worked_out_through_distant_totals_is_protected():
    """1 = (row total + other row total) - column total: found by combining three lines."""
    rows = [["r0", 1, 1, 0, 2], ["r1", 0, 4, 0, 4], ["r2", 1, 0, 4, 5], ["Total", 2, 5, 4, 11]]
    t = suppress_table(Table("t", "T", ["", "a", "b", "c", "Total"], rows, total_column=True, total_row=True))
    assert worked_out(t) == {}


def test_a_chain_of_linked_tables_is_hidden_to_its_end_however_long():
    """Hiding a count in one table hides its twin in the next, whose own protection hides a
    count shown in the table after it, and so on: every twin of a hidden count is hidden, however
    many tables the chain runs through (one more table per round of the search)."""
    from reports.suppression import MARKS, suppress
    from reports.tables import Report, Section

    length = 14
    tables = [
        Table(
            "t0",
            "T",
            ["", "a", "b", "Total"],
            [["r0", 3, 9, 12], ["r1", 8, 7, 15], ["Total", 11, 16, 27]],
            total_column=True,
            total_row=True,
            links={"link0": (0, 2)},
        )
    ]
    for i in range(1, length):
        tables.append(
            Table(
                f"t{i}",
                "T",
                ["", "a", "b", "Total"],
                [["r0", 9, 6, 15], ["r1", 8, 7, 15], ["Total", 17, 13, 30]],
                total_column=True,
                total_row=True,
                links={f"link{i - 1}": (0, 1), f"link{i}": (0, 2)},
            )
        )
    report = Report(None, None, None, "", None, [], [Section("s", "S", tables)])
    done = suppress(report).sections[0].tables
    for name in [f"link{i}" for i in range(length)]:
        shown = [t.key for t in done if name in t.links and t.rows[t.links[name][0]][t.links[name][1]] not in MARKS]
        hidden = [t.key for t in done if name in t.links and t.rows[t.links[name][0]][t.links[name][1]] in MARKS]
        assert not (shown and hidden), (name, shown, hidden)
    assert all(worked_out(t) == {} for t in done)
