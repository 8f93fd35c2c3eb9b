"""A refused statement that ends in a server error leaves no member value in the app's log."""

import io
import logging

import pytest
from django.db import DataError, IntegrityError, connection
from django.test import Client
from django.urls import path

from opsi import urls as project_urls
from opsi.log_filters import WITHHELD

CODE = "AAAA3010100"


def _refused_with_a_code(request):
    """PostgreSQL quotes the value it refuses (``invalid input syntax ...: "AAAA3010100"``), as it
    quotes a duplicate key in its DETAIL; SQLite converts instead of refusing, so there the
    error is raised as PostgreSQL words it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT CAST(%s AS integer)", [CODE])
        raise DataError(f'invalid input syntax for type integer: "{CODE}"')


urlpatterns = [path("refused/", _refused_with_a_code), *project_urls.urlpatterns]


@pytest.fixture
def console():
    """What the service writes to its console (the settings' handler), as text."""
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers, "the settings' console handler is in place"
    old = [(h, h.stream) for h in handlers]
    for handler in handlers:
        handler.setStream(stream)
    yield stream
    for handler, previous in old:
        handler.setStream(previous)


def test_a_server_error_from_a_refused_statement_logs_no_member_value(db, settings, console):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/refused/")
    assert response.status_code == 500
    text = console.getvalue()
    assert "Internal Server Error: /refused/" in text
    assert "_refused_with_a_code" in text  # where it happened is still logged
    assert WITHHELD in text and "DataError" in text
    assert CODE not in text


def test_any_logged_database_error_is_named_by_kind_only(console):
    try:
        try:
            raise ValueError("inner")
        except ValueError as inner:
            raise IntegrityError(
                f"duplicate key value violates unique constraint DETAIL: Key (uic)=({CODE})"
            ) from inner
    except IntegrityError:
        logging.getLogger("opsi.anything").exception("saving failed")
    text = console.getvalue()
    assert "django.db.utils.IntegrityError" in text and WITHHELD in text
    assert "ValueError" in text  # the exceptions behind it are still named
    assert CODE not in text


def test_other_errors_keep_their_message(console):
    try:
        raise ValueError("a plain mistake")
    except ValueError:
        logging.getLogger("opsi.anything").exception("failed")
    assert "a plain mistake" in console.getvalue()
