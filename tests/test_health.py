"""/healthz says the process is alive; /healthz/ready says it can serve (database, writes, migrations)."""

import pytest
from django.db import connection
from django.test import Client, override_settings

from tests.test_database_unavailable import database_gone, writes_refused


def test_alive_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no django_db mark: any query would fail this test
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_every_migration_is_applied(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/healthz/ready")
    assert response.status_code == 200 and response.content == b"ready\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_not_applied(client):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'services' AND name LIKE '0002%%'")
    response = client.get("/healthz/ready")
    assert response.status_code == 503 and response.content == b"not ready: 1 migrations not applied\n"


@pytest.mark.django_db(transaction=True)
def test_not_ready_while_the_database_is_gone_and_ready_again_after():
    client = Client(raise_request_exception=False)
    with database_gone():
        gone = client.get("/healthz/ready")
        alive = client.get("/healthz")
    assert gone.status_code == 503 and b"database" in gone.content
    assert alive.status_code == 200
    assert client.get("/healthz/ready").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_not_ready_while_the_database_refuses_writes_and_ready_again_after():
    client = Client(raise_request_exception=False)
    with writes_refused():
        refused = client.get("/healthz/ready")
    assert refused.status_code == 503 and refused.content == b"not ready: the database refuses writes\n"
    assert client.get("/healthz/ready").status_code == 200


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_load_balancer_checks_over_plain_http_while_every_page_goes_to_https(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/ready").status_code == 200
    for page in ("/login/", "/healthz/ready/x", "/members/"):
        response = client.get(page)
        assert response.status_code == 301 and response["Location"].startswith("https://"), page
