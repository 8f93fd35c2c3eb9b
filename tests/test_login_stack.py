"""Sessions read from a shared cache (cached_db) end as surely as sessions read from the database.

With CACHE_URL pointing at memcached or redis, sessions are read from the cache, the database
behind it. Whatever ends a session (logging out, an administrator ending a user's sessions, the
idle and absolute limits) must then end the cached copy too, or a stolen cookie lives on.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from opsi.models import User
from opsi.sessions import end_sessions_of

ROOT = Path(__file__).resolve().parent.parent
CACHED_DB = "django.contrib.sessions.backends.cached_db"


def _session_engine(cache_url):
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    if cache_url:
        env["CACHE_URL"] = cache_url
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'opsi.settings');"
            "django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_sessions_are_read_from_the_database_when_each_process_keeps_its_own_cache():
    assert _session_engine(None) == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize("cache_url", ["pymemcache://127.0.0.1:11211", "redis://127.0.0.1:6379/1"])
def test_sessions_are_read_from_a_cache_shared_by_every_process(cache_url):
    assert _session_engine(cache_url) == "opsi.sessions"  # cached_db, with the user's row beside it


@pytest.fixture
def cached_sessions(db):
    with override_settings(SESSION_ENGINE=CACHED_DB):
        yield


def test_ending_a_users_sessions_logs_them_out_where_sessions_are_cached(cached_sessions, ayu, jakarta):
    phone = Client()
    phone.force_login(ayu)
    assert phone.get(reverse("home")).status_code == 200
    assert end_sessions_of(User.objects.filter(pk=ayu.pk)) == 1
    response = phone.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_stolen_cookie_is_dead_after_logout_where_sessions_are_cached(cached_sessions, ayu, jakarta):
    phone = Client()
    phone.force_login(ayu)
    assert phone.get(reverse("home")).status_code == 200
    stolen = phone.cookies["sessionid"].value
    phone.post(reverse("logout"))
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get(reverse("home")).status_code == 302


def test_idle_limit_still_logs_out_where_sessions_are_cached(cached_sessions, ayu, jakarta, settings):
    import time

    phone = Client()
    phone.force_login(ayu)
    assert phone.get(reverse("home")).status_code == 200
    session = phone.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    assert phone.get(reverse("home")).status_code == 302


def test_a_plain_page_reads_no_session_row_where_sessions_are_cached(
    cached_sessions, ayu, jakarta, django_assert_max_num_queries
):
    phone = Client()
    phone.force_login(ayu)
    phone.get(reverse("home"))
    with django_assert_max_num_queries(2) as captured:
        assert phone.get(reverse("healthz")).status_code == 200
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)


def test_a_plain_page_of_a_branch_user_reads_the_user_and_branches_in_one_query(
    ayu, jakarta, bali, client_of, django_assert_max_num_queries
):
    ayu.branches.add(bali)
    client = client_of(ayu)
    client.get(reverse("home"))
    with django_assert_max_num_queries(2) as captured:  # the session, then the user with the branches
        assert client.get(reverse("healthz")).status_code == 200
    assert any("members_branch" in q["sql"] for q in captured.captured_queries)


def test_the_branches_read_with_the_user_are_the_branches_in_the_database(ayu, jakarta, bali):
    from opsi.backends import AccountBackend

    ayu.branches.add(bali)
    user = AccountBackend().get_user(ayu.pk)
    assert user.branch_list == [bali, jakarta]  # by name, as Branch orders them
    assert [(b.province, b.name, b.active) for b in user.branch_list] == [("51", "Bali", True), ("31", "Jakarta", True)]
    assert user.branch_ids == [bali.pk, jakarta.pk]
    assert (user.username, user.role, user.date_joined) == (ayu.username, ayu.role, ayu.date_joined)  # typed as read


def test_a_user_without_branches_reads_an_empty_list(sari):
    from opsi.backends import AccountBackend

    assert AccountBackend().get_user(sari.pk).branch_list == []


def test_a_branch_taken_away_is_gone_at_the_next_page(ayu, jakarta, bali, client_of):
    from tests.factories import MemberFactory

    MemberFactory(branch=jakarta, alias="Melati")
    MemberFactory(branch=bali, alias="Kenanga")
    client = client_of(ayu)
    assert "Melati" in client.get(reverse("member_list")).content.decode()
    ayu.branches.set([bali])  # as an administrator does, in another request or process
    page = client.get(reverse("member_list")).content.decode()
    assert "Melati" not in page and "Kenanga" in page


def test_a_deactivated_user_is_logged_out_at_the_next_page(ayu, jakarta, client_of):
    client = client_of(ayu)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=ayu.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


def test_a_memcached_cache_url_gives_a_working_cache(tmp_path):
    """The cache options of each process's own cache (MAX_ENTRIES) are not handed to a memcached client,
    which refuses them: every page would fail the moment production names memcached."""
    import shutil
    import socket
    import time

    memcached = shutil.which("memcached")
    if memcached is None:
        pytest.skip("memcached is not installed (scripts/system-deps.sh test)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    as_root = ["-u", "nobody"] if os.geteuid() == 0 else []
    server = subprocess.Popen([memcached, "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "8", *as_root])
    try:
        env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        env["CACHE_URL"] = f"pymemcache://127.0.0.1:{port}"
        script = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'opsi.settings'); django.setup();"
            "from django.core.cache import cache; cache.set('probe', 'kept', 30); print(cache.get('probe'))"
        )
        for _ in range(50):  # until memcached listens
            result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
            if result.stdout.strip() == "kept" or "Connection refused" not in result.stderr:
                break
            time.sleep(0.1)
        assert result.stdout.strip() == "kept", result.stderr[-500:]
    finally:
        server.terminate()
        server.wait(timeout=10)


def _memcached(port):
    import shutil

    memcached = shutil.which("memcached")
    if memcached is None:
        pytest.skip("memcached is not installed (scripts/system-deps.sh test)")
    as_root = ["-u", "nobody"] if os.geteuid() == 0 else []
    return subprocess.Popen([memcached, "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "8", *as_root])


def test_the_first_request_after_memcached_restarts_is_served(settings):
    """The connection to memcached is kept between requests; one that memcached closed by
    restarting is opened again, and the command sent again, so no page fails for it."""
    import socket
    import time

    from opsi.memcached import KeptConnectionCache

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def started():
        server = _memcached(port)
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return server
            time.sleep(0.1)
        raise AssertionError("memcached did not start")

    server = started()
    try:
        cache = KeptConnectionCache(f"127.0.0.1:{port}", {})
        cache.set("session", "kept", 30)
        cache.close()  # what Django does at the end of every request
        assert cache.get("session") == "kept"
        server.terminate()
        server.wait(timeout=10)
        server = started()
        assert cache.get("session") is None  # a new memcached: empty, and no error
        cache.set("session", "again", 30)
        assert cache.get_many(["session"]) == {"session": "again"}
        cache.delete("session")
        assert cache.get("session") is None
    finally:
        server.terminate()
        server.wait(timeout=10)
