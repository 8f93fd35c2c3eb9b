"""A form sent twice (a double tap, a reload, Back and Save) records once.

Every form that creates a record carries a ``submission_key`` (a UUID made when the form
is shown), stored in a unique column of the record.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction


def create_once(model, submission_key, create, by=None):
    """``(record, created)``: ``create()`` run in its own transaction, unless a record of
    ``model`` with this ``submission_key`` exists, which is then returned instead. Two sends
    at the same moment: the unique column refuses the second, which returns the first.
    Without a key, ``create()`` simply runs.

    The key comes back from the browser (or a phone's offline queue): a record with it that
    ``by`` did not record is someone else's, never returned nor pointed to (PermissionDenied)."""
    if submission_key is not None:
        existing = _own(model._default_manager.filter(submission_key=submission_key).first(), by)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if submission_key is None:
            raise
        existing = _own(model._default_manager.filter(submission_key=submission_key).first(), by)
        if existing is None:
            raise
        return existing, False


def _own(record, by):
    if record is not None and by is not None and record.recorded_by_id != by.pk:
        raise PermissionDenied
    return record
