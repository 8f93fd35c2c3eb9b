"""Attacks on the login, as an attacker would run them: a stolen password, a password
spray, a forged proxy header, and the honest paths that must keep working beside them."""

import base64

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from opsi.models import User
from tests.factories import PASSWORD, UserFactory
from tests.logins import code_for, password_login, verified_login

PROXY = "127.0.0.1"


def give_devices(user):
    """The owner's authenticator app and backup codes, set up earlier."""
    app = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    for token in ("aaaa1111", "bbbb2222", "cccc3333"):
        StaticToken.objects.create(device=backup, token=token)
    return app


def devices_of(user):
    return (
        sorted(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", "key")),
        sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)),
    )


def secrets_in(content, user):
    """Any TOTP secret of the user (confirmed or begun) that the page shows."""
    shown = []
    for device in TOTPDevice.objects.filter(user=user):
        secret = base64.b32encode(device.bin_key).decode()
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        if secret in content or grouped in content:
            shown.append(device.pk)
    return shown


# Item 1: a password alone never takes over two-step login.

DEVICE_PAGES = [
    "/admin/",
    "/admin/otp_totp/totpdevice/",
    "/admin/otp_totp/totpdevice/add/",
    "/admin/otp_static/staticdevice/",
    "/admin/otp_static/staticdevice/add/",
]


@pytest.mark.parametrize("who", ["dewi", "sari", "ayu"])
def test_a_stolen_password_shows_no_secret_and_changes_no_device(people, who, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the attacker's tries must fail for the right reason
    owner = people[who]
    app = give_devices(owner)
    before = devices_of(owner)
    attacker = password_login(owner)

    response = attacker.get(reverse("two_factor_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    followed = attacker.get(reverse("two_factor_setup"), follow=True).content.decode()
    assert secrets_in(followed, owner) == [] and "otpauth://" not in followed

    # Whatever device the attacker may have begun, confirming it with its own code changes nothing.
    for pending in TOTPDevice.objects.filter(user=owner, confirmed=False):
        attacker.post(reverse("two_factor_setup"), {"token": code_for(pending)})
    attacker.post(reverse("two_factor_setup"), {"token": "123456"})
    attacker.post(reverse("two_factor_setup"), {"token": code_for(app)[::-1]})
    assert devices_of(owner) == before

    for url in DEVICE_PAGES + [
        f"/admin/otp_totp/totpdevice/{app.pk}/change/",
        f"/admin/otp_totp/totpdevice/{app.pk}/delete/",
    ]:
        response = attacker.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify")), url
        response = attacker.post(url, {"user": owner.pk, "name": "mine", "confirmed": "on", "post": "yes"})
        assert response.status_code in (302, 403), url
        assert not (response.status_code == 302 and not response.url.startswith(reverse("two_factor_verify"))), url
    assert devices_of(owner) == before
    assert attacker.get(reverse("home")).status_code == 302


def test_the_setup_page_of_a_user_with_a_device_never_begins_a_new_one(sari):
    give_devices(sari)
    attacker = password_login(sari)
    attacker.get(reverse("two_factor_setup"))
    attacker.post(reverse("two_factor_setup"), {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=sari, confirmed=False).exists()


def test_a_verified_session_without_the_password_again_cannot_replace_the_device(sari, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    app = give_devices(sari)
    client = verified_login(sari, app)
    assert client.get(reverse("home")).status_code == 200
    before = devices_of(sari)

    page = client.get(reverse("two_factor_setup")).content.decode()
    assert secrets_in(page, sari) == [] and 'name="password"' in page
    response = client.post(reverse("two_factor_setup"), {"password": "not-the-password"})
    assert secrets_in(response.content.decode(), sari) == []
    assert "password" in response.context["form"].errors
    for pending in TOTPDevice.objects.filter(user=sari, confirmed=False):
        client.post(reverse("two_factor_setup"), {"token": code_for(pending)})
    assert devices_of(sari) == before


def test_the_operation_itself_refuses_to_replace_devices_without_the_second_step(sari):
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from opsi.two_factor import confirm_setup, note_password, start_setup

    give_devices(sari)
    before = devices_of(sari)
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = sari
    sari.is_verified = lambda: False  # what django-otp's middleware says of a password-only session
    note_password(request, again=True)
    pending = TOTPDevice.objects.create(user=sari, name="app", confirmed=False)
    with pytest.raises(PermissionDenied):
        start_setup(request)
    with pytest.raises(PermissionDenied):
        confirm_setup(request, pending, code_for(pending))
    assert devices_of(sari) == before


def test_guessing_the_password_again_from_a_stolen_verified_session_is_locked_out(sari, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    app = give_devices(sari)
    client = verified_login(sari, app)
    for _ in range(5):
        client.post(reverse("two_factor_setup"), {"password": "wrong-password-1"})
    response = client.post(reverse("two_factor_setup"), {"password": PASSWORD})
    assert response.status_code == 429
    assert secrets_in(client.get(reverse("two_factor_setup")).content.decode(), sari) == []
    assert not TOTPDevice.objects.filter(user=sari, confirmed=False).exists()


def test_the_owner_replaces_the_app_after_the_second_step_and_the_password_again(sari, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    old = give_devices(sari)
    client = verified_login(sari, old)

    response = client.post(reverse("two_factor_setup"), {"password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup")).content.decode()
    new = TOTPDevice.objects.get(user=sari, confirmed=False)
    assert secrets_in(page, sari) == [new.pk]
    response = client.post(reverse("two_factor_setup"), {"token": code_for(new)})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert list(TOTPDevice.objects.filter(user=sari).values_list("pk", flat=True)) == [new.pk]
    assert not StaticToken.objects.filter(device__user=sari, token="aaaa1111").exists()
    assert client.get(reverse("home")).status_code == 200

    # The old app no longer opens the site; the new one does.
    again = password_login(sari)
    again.post(reverse("two_factor_verify"), {"token": code_for(old)})
    assert again.get(reverse("home")).status_code == 302


def test_first_setup_for_a_user_without_a_device_still_works_with_the_password(dewi):
    client = password_login(dewi)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=dewi, confirmed=False)
    assert secrets_in(page, dewi) == [device.pk]
    client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_a_secret_begun_in_one_session_is_never_shown_in_another(dewi):
    owner = password_login(dewi)
    owner.get(reverse("two_factor_setup"))
    begun = TOTPDevice.objects.get(user=dewi, confirmed=False)
    other = password_login(dewi)
    page = other.get(reverse("two_factor_setup")).content.decode()
    assert begun.pk not in secrets_in(page, dewi)


def test_the_session_key_changes_when_the_second_step_succeeds(sari):
    app = give_devices(sari)
    client = password_login(sari)
    before = client.cookies["sessionid"].value
    client.post(reverse("two_factor_verify"), {"token": code_for(app)})
    assert client.cookies["sessionid"].value != before
    stolen = Client()
    stolen.cookies["sessionid"] = before
    assert stolen.get(reverse("home")).status_code == 302


def test_wrong_codes_are_written_to_the_audit_trail(sari):
    give_devices(sari)
    client = password_login(sari, REMOTE_ADDR="198.51.100.4")
    client.post(reverse("two_factor_verify"), {"token": "000000"}, REMOTE_ADDR="198.51.100.4")
    entry = LogEntry.objects.filter(object_pk=str(sari.pk), additional_data__what="two-step code refused").get()
    assert entry.actor_id == sari.pk and entry.remote_addr == "198.51.100.4"


def test_the_next_login_says_when_two_step_login_was_changed(sari, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sari.language = "en"
    sari.save()
    first = password_login(sari)
    first.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=sari, confirmed=False)
    first.post(reverse("two_factor_setup"), {"token": code_for(device)})

    page = password_login(sari).get(reverse("two_factor_verify")).content.decode()
    assert "Two-step login was changed on" in page


def test_a_device_removed_in_the_admin_is_told_at_the_next_login(ayu, dewi):
    ayu.language = "en"
    ayu.save()
    app = give_devices(ayu)
    before = password_login(ayu).get(reverse("two_factor_verify")).content.decode()
    assert "Two-step login was changed on" not in before
    from tests.conftest import login_with_second_factor

    admin = login_with_second_factor(Client(), dewi)
    admin.post(f"/admin/otp_totp/totpdevice/{app.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=app.pk).exists()
    page = password_login(ayu).get(reverse("home"), follow=True).content.decode()
    assert "Two-step login was changed on" in page
    trail = LogEntry.objects.filter(object_pk=str(ayu.pk), additional_data__what="two-step login changed")
    assert trail.filter(actor=dewi).exists()


def test_an_administrator_can_remove_a_users_app_but_never_read_or_set_one(ayu, dewi):
    from tests.conftest import login_with_second_factor

    app = give_devices(ayu)
    admin = login_with_second_factor(Client(), dewi)
    for url in [
        f"/admin/otp_totp/totpdevice/{app.pk}/config/",
        f"/admin/otp_totp/totpdevice/{app.pk}/qrcode/",
        "/admin/otp_totp/totpdevice/add/",
        "/admin/otp_static/staticdevice/add/",
    ]:
        assert admin.get(url).status_code == 403, url
    page = admin.get(f"/admin/otp_totp/totpdevice/{app.pk}/change/").content.decode()
    assert app.key not in page and secrets_in(page, ayu) == [] and "aaaa1111" not in page
    backup = StaticDevice.objects.get(user=ayu)
    assert "aaaa1111" not in admin.get(f"/admin/otp_static/staticdevice/{backup.pk}/change/").content.decode()
    before = devices_of(ayu)
    admin.post(f"/admin/otp_totp/totpdevice/{app.pk}/change/", {"user": dewi.pk, "name": "x", "confirmed": "on"})
    assert devices_of(ayu) == before
    admin.post(f"/admin/otp_totp/totpdevice/{app.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=ayu).exists()


# Item 10: lockout per username and per address, the address taken through the proxy.


def failed_login(username, address=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": username, "password": "wrong-password-1"}, **extra)


def test_one_address_spraying_many_usernames_is_locked(db):
    users = [UserFactory(username=f"spray{i}") for i in range(6)]
    for _ in range(4):
        for user in users:
            failed_login(user.username, address="203.0.113.7")
    locked = Client().post(
        reverse("login"), {"username": users[0].username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert locked.status_code == 429
    # The owners themselves, from their own addresses, still get in.
    password_login(users[1], REMOTE_ADDR="198.51.100.2")


# Issue 28, item 4: guessing is stopped where it comes from; nobody can lock a colleague out.

OWNER_AT = "198.51.100.2"
ATTACKER_AT = "203.0.113.7"


def earlier(minutes):
    """As if every failure recorded so far had happened ``minutes`` earlier."""
    from datetime import timedelta

    from django.db.models import F

    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def full_login(user, client=None, token="aaaa1111", address=OWNER_AT):
    """The password and a code (a backup code by default), as the owner does on her phone."""
    client = password_login(user, client=client, REMOTE_ADDR=address)
    response = client.post(reverse("two_factor_verify"), {"token": token}, REMOTE_ADDR=address)
    assert response.status_code == 302 and response.url == "/", response.status_code
    assert client.get(reverse("home"), REMOTE_ADDR=address).status_code == 200
    return client


def refused_with_the_wait(response, minutes=None, hours=None):
    page = response.content.decode()
    wait = f"Coba lagi dalam {minutes} menit" if minutes else f"Coba lagi dalam {hours} jam"
    assert response.status_code == 429
    assert "Terlalu banyak percobaan gagal" in page and wait in page
    return page


def test_one_address_guessing_a_password_is_stopped_and_the_owner_elsewhere_gets_in(sari):
    give_devices(sari)
    for _ in range(5):
        failed_login("sari", address=ATTACKER_AT)
    # The attacker's address is refused, the right password included, and told how long to wait.
    attacker = Client().post(reverse("login"), {"username": "sari", "password": PASSWORD}, REMOTE_ADDR=ATTACKER_AT)
    page = refused_with_the_wait(attacker, 30)
    assert "sari" not in page
    # The owner, from another address and a browser never used before, with the password and a code.
    full_login(sari)


def test_the_pause_doubles_at_each_new_lockout_and_tries_while_paused_do_not_count(ayu):
    guesses = (f"tebak{n}" for n in range(100))  # any usernames: the address is what is paused
    for minutes, shown in ((30, {"minutes": 30}), (60, {"minutes": 60}), (120, {"minutes": 120}), (240, {"hours": 4})):
        for _ in range(5):
            response = failed_login(next(guesses), address=ATTACKER_AT)
        refused_with_the_wait(response, **shown)
        counted = AccessFailureLog.objects.count()
        refused_with_the_wait(failed_login("ayu", address=ATTACKER_AT), **shown)
        assert AccessFailureLog.objects.count() == counted  # not counted, and not made longer
        earlier(minutes - 1)
        assert failed_login(next(guesses), address=ATTACKER_AT).status_code == 429
        earlier(2)
    # After the fourth pause the next single wrong try is let through and refused as wrong.
    assert failed_login(next(guesses), address=ATTACKER_AT).status_code == 200
    # Meanwhile the owner logs in from her own address.
    password_login(ayu, REMOTE_ADDR=OWNER_AT)


def test_an_address_spraying_usernames_is_stopped_for_every_username(db):
    users = [UserFactory(username=f"semprot{i}") for i in range(5)]
    for user in users:
        failed_login(user.username, address=ATTACKER_AT)
    stranger = UserFactory(username="lain")
    refused_with_the_wait(
        Client().post(reverse("login"), {"username": "lain", "password": PASSWORD}, REMOTE_ADDR=ATTACKER_AT), 30
    )
    password_login(stranger, REMOTE_ADDR=OWNER_AT)


@pytest.mark.parametrize("guess", ["password", "code"])
def test_a_guess_spread_over_many_addresses_is_slowed_but_the_owners_phone_gets_in(sari, guess):
    app = give_devices(sari)
    phone = full_login(sari)  # her phone, known to the site from this login on
    phone.post(reverse("logout"), REMOTE_ADDR=OWNER_AT)
    for i in range(20):  # one or two tries from each of many addresses: no address reaches its limit
        address = f"203.0.113.{i // 2 + 10}"
        if guess == "password":
            response = failed_login("sari", address=address)
        else:  # with the stolen password, wrong codes
            thief = password_login(sari, REMOTE_ADDR=address)
            response = thief.post(reverse("two_factor_verify"), {"token": "000000"}, REMOTE_ADDR=address)
        assert response.status_code == (429 if i == 19 else 200)  # the 20th failure starts the pause
    # Any new browser, wherever it is, now waits a day, the right password included.
    refused_with_the_wait(
        Client().post(reverse("login"), {"username": "sari", "password": PASSWORD}, REMOTE_ADDR="192.0.2.50"),
        hours=24,
    )
    # The owner's phone, from yet another address, gets in with the password and a code.
    full_login(sari, client=phone, token=code_for(app), address="192.0.2.99")
    # Other usernames are not slowed.
    password_login(UserFactory(username="tetangga"), REMOTE_ADDR="192.0.2.50")


def test_a_browser_known_for_one_user_or_a_made_up_cookie_is_new_for_another(sari, ayu):
    give_devices(sari)
    attacker = password_login(ayu, REMOTE_ADDR=ATTACKER_AT)  # her own account: known for ayu only
    assert attacker.cookies["known"].value
    attacker.post(reverse("logout"), REMOTE_ADDR=ATTACKER_AT)
    for i in range(20):
        failed_login("sari", address=f"203.0.113.{i + 10}")
    mine = {"username": "sari", "password": PASSWORD}
    assert attacker.post(reverse("login"), mine, REMOTE_ADDR="192.0.2.7").status_code == 429
    forged = Client()
    forged.cookies["known"] = "0" * 32
    assert forged.post(reverse("login"), mine, REMOTE_ADDR="192.0.2.8").status_code == 429
    assert "sari" not in attacker.cookies["known"].value


def test_an_administrator_lifts_a_lockout_at_once(ayu):
    for i in range(20):
        failed_login("ayu", address=f"203.0.113.{i + 10}")
    new_browser = {"username": "ayu", "password": PASSWORD}
    assert Client().post(reverse("login"), new_browser, REMOTE_ADDR=OWNER_AT).status_code == 429
    call_command("axes_reset_username", "ayu")
    password_login(ayu, REMOTE_ADDR=OWNER_AT)


def test_wrong_codes_stop_the_thiefs_address_and_never_freeze_the_owners_app(sari):
    app = give_devices(sari)
    thief = password_login(sari, REMOTE_ADDR=ATTACKER_AT)
    for _ in range(4):
        response = thief.post(reverse("two_factor_verify"), {"token": "000000"}, REMOTE_ADDR=ATTACKER_AT)
        assert response.status_code == 200
        assert "token" in response.context["form"].errors
    response = thief.post(reverse("two_factor_verify"), {"token": "000000"}, REMOTE_ADDR=ATTACKER_AT)
    refused_with_the_wait(response, 30)
    # The thief's half-done login is over, and the right code no longer helps from there.
    assert thief.get(reverse("home"), REMOTE_ADDR=ATTACKER_AT).status_code == 302
    again = Client().post(reverse("login"), {"username": "sari", "password": PASSWORD}, REMOTE_ADDR=ATTACKER_AT)
    assert again.status_code == 429
    app.refresh_from_db()
    assert app.verify_is_allowed()[0]  # wrong codes are counted, the app is never frozen for it
    # The owner, elsewhere, right away: the password and the current code.
    full_login(sari, token=code_for(app))


def test_the_owners_own_typos_are_forgotten_when_she_logs_in(ayu):
    for _ in range(4):
        failed_login("ayu", address=OWNER_AT)
    password_login(ayu, REMOTE_ADDR=OWNER_AT)
    for _ in range(4):
        assert failed_login("ayu", address=OWNER_AT).status_code == 200
    password_login(ayu, REMOTE_ADDR=OWNER_AT)


def test_the_lockout_page_speaks_english_to_an_english_browser(ayu):
    for _ in range(5):
        response = failed_login("ayu", address=ATTACKER_AT)
    english = Client()
    english.cookies["django_language"] = "en"
    response = english.post(
        reverse("login"), {"username": "nobody-here", "password": PASSWORD}, REMOTE_ADDR=ATTACKER_AT
    )
    page = response.content.decode()
    assert response.status_code == 429 and "Too many failed attempts" in page and "Try again in 30 minutes" in page
    assert "nobody-here" not in page


def test_behind_the_proxy_failures_count_the_client_not_the_proxy(db, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    users = [UserFactory(username=f"kawan{i}") for i in range(5)]
    for user in users:
        # The left part is whatever the client sent; the proxy appended the address it saw.
        failed_login(user.username, forwarded="10.9.9.9, 203.0.113.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    attacker = Client().post(
        reverse("login"),
        {"username": "ayu-not-here", "password": "x" * 12},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert attacker.status_code == 429
    # Another client behind the same proxy is not locked out by the attacker's failures.
    password_login(UserFactory(username="jujur"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert AccessLog.objects.get(username="jujur").ip_address == "198.51.100.2"


def test_the_audit_trail_records_the_same_client_address_as_the_lockout(ayu, jakarta, settings):
    from tests.factories import MemberFactory

    settings.TRUSTED_PROXY_HOPS = 1
    member = MemberFactory(branch=jakarta)
    client = password_login(ayu, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    forged = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    client.get(reverse("member_detail", args=[member.pk]), **forged)  # a read, logged by the app
    client.post(reverse("set_language"), {"language": "en", "next": "/"}, **forged)  # a change, logged by auditlog
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(member.pk)).get()
    change = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_pk=str(ayu.pk)).latest("timestamp")
    assert read.remote_addr == "203.0.113.7"
    assert change.remote_addr == "203.0.113.7"


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(ayu, jakarta):
    from tests.factories import MemberFactory

    member = MemberFactory(branch=jakarta)
    client = password_login(ayu, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    client.get(reverse("member_detail", args=[member.pk]), REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    client.post(
        reverse("set_language"),
        {"language": "en", "next": "/"},
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert set(LogEntry.objects.exclude(remote_addr=None).values_list("remote_addr", flat=True)) == {"198.51.100.9"}
    failed_login("ayu", address="198.51.100.9", forwarded="6.6.6.6")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}
    assert set(AccessLog.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}


# Item 11: the first administrator.


def test_createsuperuser_makes_an_administrator_who_can_reach_the_admin(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="pertama", email="it@example.org", verbosity=0)
    first = User.objects.get(username="pertama")
    assert first.role == User.Role.ADMIN and first.is_admin and first.is_staff and first.is_superuser
    client = password_login(first)
    response = client.get("/admin/")
    assert response.url.startswith(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=first, confirmed=False)
    client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    assert client.get("/admin/").status_code == 200
