"""Indicator functions: ``fn(ctx) -> Table`` or a number, each a few aggregate queries.

``ctx`` is a ``reports.building.Context``: the period, the branches in scope (a
queryset, used as a subquery) and the language-independent choices. No function
loops over rows in Python; the number of queries does not depend on the data.
"""
