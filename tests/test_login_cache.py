"""The logged-in user kept in the shared cache is never the wrong user.

Where sessions are in a cache shared by every process, the user's row and branches are kept there
too (``opsi/login_cache.py``), so a plain page asks the database nothing. Every change to a user
or a branch must still count at the next request. Each test here first has the row kept (a page
seen), then changes it the way an administrator or another process does, and looks at the next
page: a kept row used after the change fails it. The process's own cache stands for the shared
one (one process here).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from opsi import login_cache
from opsi.backends import row_to_keep
from opsi.models import User
from tests.factories import PASSWORD, MemberFactory


@pytest.fixture(autouse=True)
def logins_in_cache(settings):
    settings.LOGINS_IN_CACHE = True
    settings.SESSION_ENGINE = "opsi.sessions"


def seen(client):
    """Pages seen: the user's row is kept from now on (the first page of a fresh cache puts the
    token in place, the next keeps the row)."""
    for _ in range(2):
        assert client.get(reverse("healthz")).status_code == 200
    return client


def kept_now(client):
    """What the session's read finds in the cache right now (another process's request)."""
    key = client.cookies["sessionid"].value
    return login_cache.found(key, cache.get_many([login_cache.row_key(key), login_cache.TOKEN]))


def user_of(response):
    return response.wsgi_request.user


def test_a_plain_page_asks_the_database_nothing_once_the_user_is_kept(
    ayu, jakarta, client_of, django_assert_num_queries
):
    client = seen(client_of(ayu))
    client.get(reverse("home"))
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert user_of(response).branch_list == [jakarta]


def test_a_branch_taken_away_is_gone_at_the_next_page(ayu, jakarta, bali, client_of):
    MemberFactory(branch=jakarta, alias="Melati")
    MemberFactory(branch=bali, alias="Kenanga")
    client = seen(client_of(ayu))
    assert "Melati" in client.get(reverse("member_list")).content.decode()
    ayu.branches.set([bali])
    page = client.get(reverse("member_list")).content.decode()
    assert "Melati" not in page and "Kenanga" in page


def test_a_coordinator_removed_from_the_branch_side_loses_it_at_the_next_page(ayu, jakarta, bali, client_of):
    ayu.branches.add(bali)
    client = seen(client_of(ayu))
    bali.users.remove(ayu)
    assert user_of(client.get(reverse("healthz"))).branch_ids == [jakarta.pk]
    jakarta.users.clear()
    assert user_of(client.get(reverse("healthz"))).branch_ids == []


def test_a_deleted_branch_is_gone_at_the_next_page(ayu, jakarta, bali, client_of):
    ayu.branches.add(bali)
    client = seen(client_of(ayu))
    bali.delete()
    assert user_of(client.get(reverse("healthz"))).branch_ids == [jakarta.pk]


def test_a_renamed_branch_shows_its_new_name_at_the_next_page(ayu, jakarta, client_of):
    client = seen(client_of(ayu))
    jakarta.name = "DKI Jakarta"
    jakarta.save()
    assert [b.name for b in user_of(client.get(reverse("healthz"))).branch_list] == ["DKI Jakarta"]


@pytest.mark.parametrize("how", ["save", "queryset update"])
def test_a_deactivated_user_is_logged_out_at_the_next_page(ayu, jakarta, client_of, how):
    client = seen(client_of(ayu))
    assert client.get(reverse("home")).status_code == 200
    if how == "save":
        ayu.is_active = False
        ayu.save()
    else:
        User.objects.filter(pk=ayu.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_deleted_user_is_logged_out_at_the_next_page(ayu, jakarta, client_of):
    client = seen(client_of(ayu))
    User.objects.filter(pk=ayu.pk).delete()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("how", ["save", "queryset update"])
def test_a_changed_role_counts_at_the_next_page(ayu, jakarta, client_of, how):
    client = seen(client_of(ayu))
    assert client.get(reverse("incident_list")).status_code == 200  # coordinators read incidents
    if how == "save":
        ayu.role = User.Role.OUTREACH_WORKER
        ayu.save()
    else:
        User.objects.filter(pk=ayu.pk).update(role=User.Role.OUTREACH_WORKER)
    assert client.get(reverse("incident_list")).status_code in (403, 404)


def test_a_password_changed_elsewhere_ends_the_session_at_the_next_page(ayu, jakarta, client_of):
    client = seen(client_of(ayu))
    ayu.set_password("another long passphrase 2026")
    ayu.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_changed_language_shows_at_the_next_page(ayu, jakarta, client_of):
    client = seen(client_of(ayu))
    User.objects.filter(pk=ayu.pk).update(language="en")
    assert client.get(reverse("home"))["Content-Language"] == "en"


def test_each_session_reads_its_own_users_kept_row(ayu, bunga, jakarta, bali, django_assert_num_queries):
    ayus, bungas = Client(), Client()
    ayus.force_login(ayu)
    bungas.force_login(bunga)
    seen(ayus), seen(bungas)
    with django_assert_num_queries(0):
        assert user_of(bungas.get(reverse("healthz"))).branch_ids == [bali.pk]
        assert user_of(ayus.get(reverse("healthz"))).branch_ids == [jakarta.pk]


def test_a_row_read_before_a_change_and_kept_after_it_is_not_used(ayu, jakarta, bali, client_of):
    """Another process read the token, then the row, before the change, and keeps the row once
    the change is made: the change gave a new token, so the row is kept under a stale one."""
    client = seen(client_of(ayu))
    cache.delete(login_cache.row_key(client.cookies["sessionid"].value))
    kept = kept_now(client)
    stale = row_to_keep(ayu.pk)
    ayu.branches.set([bali])
    login_cache.keep(kept, stale)
    assert user_of(client.get(reverse("healthz"))).branch_ids == [bali.pk]


def test_a_row_kept_between_the_change_and_its_commit_is_not_used_after_the_commit(
    ayu, jakarta, bali, client_of, django_capture_on_commit_callbacks
):
    """A process that does not yet see the change (not committed) reads the old row after the
    first new token and keeps it under that token: the commit gives a token again."""
    client = seen(client_of(ayu))
    before = row_to_keep(ayu.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ayu.branches.set([bali])
        login_cache.keep(kept_now(client), before)  # what the other process read: the old branches
    assert user_of(client.get(reverse("healthz"))).branch_ids == [bali.pk]


def test_a_token_gone_from_the_cache_makes_the_kept_row_unusable(ayu, jakarta, client_of):
    """memcached may drop the token (memory full, a restart) and keep the row: the row is not used,
    even when the change that followed went behind the ORM's back."""
    client = seen(client_of(ayu))
    cache.delete(login_cache.TOKEN)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {User._meta.db_table} SET is_active = %s WHERE id = %s", [False, ayu.pk])
    assert client.get(reverse("home")).status_code == 302


def test_the_kept_row_holds_no_password_hash(ayu, jakarta, client_of):
    client = seen(client_of(ayu))
    kept = cache.get(login_cache.row_key(client.cookies["sessionid"].value))
    assert kept is not None
    assert ayu.password not in repr(kept)
    # The password, when something asks for it, is read from the database.
    assert user_of(client.get(reverse("healthz"))).check_password(PASSWORD)


def test_nothing_is_kept_where_each_process_has_its_own_cache(ayu, jakarta, client_of, settings):
    """With each process's own cache a change made in one process would not reach the others' copies."""
    settings.LOGINS_IN_CACHE = False
    client = seen(client_of(ayu))
    with connection.cursor() as cursor:  # another process, or raw SQL: no signal at all
        cursor.execute(f"UPDATE {User._meta.db_table} SET is_active = %s WHERE id = %s", [False, ayu.pk])
    assert client.get(reverse("home")).status_code == 302
