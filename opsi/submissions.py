"""A form sent twice (a double tap, a reload, Back and Save) records once.

Every form that creates a record carries a ``submission_key`` (a UUID made when the form
is shown), stored in a unique column of the record.
"""

from django.db import IntegrityError, transaction


def create_once(model, submission_key, create):
    """``(record, created)``: ``create()`` run in its own transaction, unless a record of
    ``model`` with this ``submission_key`` exists, which is then returned instead. Two sends
    at the same moment: the unique column refuses the second, which returns the first.
    Without a key, ``create()`` simply runs."""
    if submission_key is not None:
        existing = model._default_manager.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if submission_key is None:
            raise
        existing = model._default_manager.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
