import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from opsi.models import User
from opsi.sessions import end_sessions_of
from tests.factories import MemberFactory


def test_security_headers_on_every_page(client, db):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_pages_with_member_data_are_never_cached(client_of, ayu, jakarta):
    member = MemberFactory(branch=jakarta)
    response = client_of(ayu).get(reverse("member_detail", args=[member.pk]))
    assert "no-store" in response.headers["Cache-Control"]


def test_pages_hold_no_inline_script(client_of, ayu, jakarta_dic):
    for url in [reverse("home"), reverse("member_list"), reverse("visit_new")]:
        content = client_of(ayu).get(url).content.decode()
        assert "<script>" not in content and "onclick=" not in content and "style=" not in content


def test_a_login_ends_after_8_hours_even_when_active(client_of, ayu, settings):
    client = client_of(ayu)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["login_started_at"] -= 8 * 3600 + 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


def test_a_login_ends_after_30_idle_minutes(client_of, ayu):
    client = client_of(ayu)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] -= 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200  # 29 minutes: still in
    session = client.session
    session["last_seen"] -= 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_deactivating_a_user_ends_their_access_at_once(client_of, ayu):
    client = client_of(ayu)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=ayu.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


def test_admin_ends_a_users_sessions(client_of, ayu, dewi, client):
    from django.test import Client

    phone = Client()
    phone.force_login(ayu)
    assert phone.get(reverse("home")).status_code == 200
    from tests.conftest import login_with_second_factor

    admin = login_with_second_factor(Client(), dewi)
    response = admin.post(
        reverse("admin:opsi_user_changelist"), {"action": "end_sessions", "_selected_action": [ayu.pk]}
    )
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert admin.get(reverse("home")).status_code == 200  # the admin's own session lives on


def test_end_sessions_counts_what_it_ended(ayu, bunga):
    from django.test import Client

    for user in (ayu, ayu, bunga):
        Client().force_login(user)
    assert end_sessions_of(User.objects.filter(pk=ayu.pk)) == 2
    assert Session.objects.count() == 1


def test_admin_pages_work_under_the_content_security_policy(client_of, dewi):
    response = client_of(dewi).get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_admin_reads_the_trail_of_one_member_and_of_one_user(client_of, dewi, ayu, jakarta):
    from auditlog.models import LogEntry

    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    other = MemberFactory(branch=jakarta, alias="Melati")
    client_of(ayu).get(reverse("member_detail", args=[mawar.pk]))
    client = client_of(dewi)
    entries = client.get(reverse("admin:auditlog_logentry_changelist"), {"member": mawar.pk}).context["cl"].result_list
    assert entries and all(e.object_pk == str(mawar.pk) or e.content_type.model != "member" for e in entries)
    assert str(other.pk) not in {e.object_pk for e in entries if e.content_type.model == "member"}
    by_ayu = (
        client.get(reverse("admin:auditlog_logentry_changelist"), {"actor__id__exact": ayu.pk})
        .context["cl"]
        .result_list
    )
    assert by_ayu and all(e.actor_id == ayu.pk for e in by_ayu)
    entry = LogEntry.objects.first()
    assert client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {}).status_code == 403


def test_the_session_cookie_ends_with_the_browser(client, ayu):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "ayu", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_login_ends_after_8_hours_even_with_a_browser_that_is_never_closed(client, ayu):
    from tests.factories import PASSWORD

    client.post(reverse("login"), {"username": "ayu", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    # The server forgets the session after 8 hours even if the browser keeps the cookie.
    assert Session.objects.get(pk=session.session_key).expire_date <= timezone.now() + datetime.timedelta(hours=8)
    session["login_started_at"] -= 8 * 3600 + 1
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_legal_names_are_masked_to_one_width_whatever_their_length():
    from members.identity import mask

    short, long = mask("Ani", "legal_name"), mask("Siti Nurhaliza Rahmawati", "legal_name")
    assert len(short) == len(long)
    assert "Ani" not in short and "Nurhaliza" not in long


def test_quick_exit_asks_the_browser_to_clear_cookies_cache_and_storage(client_of, ayu):
    response = client_of(ayu).get(reverse("quick_exit"))
    cleared = {part.strip() for part in response.headers["Clear-Site-Data"].split(",")}
    assert cleared == {'"cache"', '"cookies"', '"storage"'}
