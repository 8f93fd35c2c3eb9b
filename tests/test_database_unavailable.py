"""A database that stops answering or refuses writes: a clean page, nothing lost, nothing doubled."""

import contextlib
import uuid

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from services.models import Visit
from tests.factories import MemberFactory


@contextlib.contextmanager
def writes_refused():
    """The database turns read-only, as it does with a full disk or a read-only replica."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET default_transaction_read_only = off")
            else:
                cursor.execute("PRAGMA query_only = 0")


@contextlib.contextmanager
def database_gone():
    """The database server is stopped: every connection fails.

    On PostgreSQL the connection really goes to a closed port. The SQLite test database
    lives in memory and cannot be taken away, so there every query fails as SQLite's does
    when its file is gone.
    """
    if connection.vendor != "postgresql":

        def gone(execute, sql, params, many, context):
            raise OperationalError("unable to open database file")

        with connection.execute_wrapper(gone):
            yield
        return
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def visit_data(catalogue, centre, member, key):
    return {
        "member": member.pk,
        "submission_key": key,
        "services": [catalogue["counselling"].pk],
        "drop_in_centre": centre.pk,
        "visited_on": "2025-05-01",
    }


@pytest.mark.django_db(transaction=True)
def test_visit_sent_while_writes_are_refused_comes_back_filled_and_saves_once_later(
    client_of, ayu, jakarta_dic, catalogue
):
    member = MemberFactory(branch=jakarta_dic.branch, alias="Melati")
    client = client_of(ayu)
    client.get(reverse("visit_new"), {"member": member.pk})  # the session's activity is saved now
    key = str(uuid.uuid4())
    data = visit_data(catalogue, jakarta_dic, member, key)
    with writes_refused():
        response = client.post(reverse("visit_new") + f"?member={member.pk}", data)
    # Not saved, try later: the status tells the phone's offline queue to keep the entry.
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert "Belum ada yang tersimpan" in page  # Bahasa Indonesia, the user's language
    assert f'value="{key}"' in page and 'value="2025-05-01"' in page and "Melati" in page
    assert Visit.objects.count() == 0
    client.post(reverse("visit_new") + f"?member={member.pk}", data)
    client.post(reverse("visit_new") + f"?member={member.pk}", data)  # a second tap
    assert Visit.objects.filter(submission_key=key).count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_gone_gives_a_try_again_page_in_the_users_language_keeping_the_entries(ayu, jakarta_dic, catalogue):
    member = MemberFactory(branch=jakarta_dic.branch, alias="Kenanga")
    client = Client(raise_request_exception=False)
    client.force_login(ayu)
    client.post(reverse("set_language"), {"language": "en"})
    key = str(uuid.uuid4())
    data = visit_data(catalogue, jakarta_dic, member, key)
    data["password"] = "never-echoed-secret"
    data["csrfmiddlewaretoken"] = "the-token-the-browser-sent"
    with database_gone():
        response = client.post(reverse("visit_new") + f"?member={member.pk}", data)
        got = client.get(reverse("member_list"))
    assert response.status_code == 503 and got.status_code == 503
    assert response["Retry-After"] and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Please try again in a moment" in page and "Traceback" not in page
    assert f'name="submission_key" value="{key}"' in page
    assert 'value="the-token-the-browser-sent"' in page and "never-echoed-secret" not in page
    assert f'action="/visits/new/?member={member.pk}"' in page
    # Back on its feet: the same connection settings serve again, without a restart.
    assert client.get(reverse("member_list")).status_code == 200
    client.post(reverse("visit_new") + f"?member={member.pk}", data)
    assert Visit.objects.filter(submission_key=key).count() == 1


@pytest.mark.django_db(transaction=True)
def test_try_again_page_for_a_visitor_defaults_to_bahasa_indonesia():
    client = Client(raise_request_exception=False)
    with database_gone():
        response = client.post(reverse("login"), {"username": "ayu", "password": "x" * 12})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Silakan coba lagi" in page and 'lang="id"' in page
    assert 'name="username" value="ayu"' in page and "x" * 12 not in page


def test_errors_not_from_the_database_stay_a_plain_500(client_of, ayu, monkeypatch):
    from opsi import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "render", broken)
    client = client_of(ayu)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert response.status_code == 500 and "coba lagi" not in response.content.decode().lower().replace(
        "silakan coba lagi nanti", ""
    )


@pytest.mark.django_db(transaction=True)
def test_try_again_page_speaks_the_language_the_user_chose_on_another_device(ayu):
    ayu.language = "en"
    ayu.save()
    client = Client(raise_request_exception=False)
    client.force_login(ayu)
    client.get(reverse("home"))  # any page read while the database answers
    with database_gone():
        response = client.get(reverse("member_list"))
    assert response.status_code == 503
    assert "Please try again in a moment" in response.content.decode()
