"""Indicator functions: ``fn(ctx) -> Table`` or a number, each a few aggregate queries.

``ctx`` is a ``reports.building.Context``: the period, the branches in scope (``Branch``
objects for row labels, and a queryset of their ids used as a subquery, or None when every
branch is in scope), whether national activities count, and a memo of results that several
indicators share. Python loops only over grouped results (one row per branch, kind, gender,
document...), never over members, visits or other records, and the number of queries does not
grow with the data (a median reads one or two rows per document kind).
"""
