import pytest
from django.core.management import call_command
from django.urls import reverse

from opsi import provinces
from opsi.models import User
from tests.factories import PASSWORD


def test_home_shows_own_centres_and_the_visit_button_to_a_coordinator(client_of, ayu, jakarta_dic, bali_dic):
    content = client_of(ayu).get(reverse("home")).content.decode()
    assert "DIC Jakarta Utara" in content
    assert "Denpasar" not in content
    assert "Catat kunjungan" in content


def test_home_of_secretariat_lists_every_branch(client_of, sari, jakarta_dic, bali_dic):
    content = client_of(sari).get(reverse("home")).content.decode()
    assert "Jakarta" in content and "Bali" in content


def test_login_with_the_right_password_lands_on_home(client, ayu):
    response = client.post(reverse("login"), {"username": "ayu", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_login_page_takes_only_reading_and_sending(client, ayu, method):
    # PUT used to be answered like a POST with an empty form (a login page for any verb).
    response = getattr(client, method)(
        reverse("login"), data="username=ayu", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 405
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, ayu):
    for _ in range(5):
        client.post(reverse("login"), {"username": "ayu", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "ayu", "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_session_gets_a_new_id_at_login(client, ayu):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    client.post(reverse("login"), {"username": "ayu", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


def test_quick_exit_ends_the_session_and_leaves_for_a_neutral_site(client_of, ayu):
    client = client_of(ayu)
    response = client.get(reverse("quick_exit"))
    assert response.status_code == 302
    assert response.url.startswith("https://www.google.com/")
    assert client.get(reverse("home")).status_code == 302


def test_page_title_is_neutral(client, db):
    content = client.get(reverse("login")).content.decode()
    title = content.split("<title>")[1].split("</title>")[0]
    assert title == "Catatan"


def test_there_are_38_provinces_with_unique_bps_codes_and_zones():
    assert len(provinces.PROVINCES) == 38
    assert len(provinces.BY_CODE) == 38
    zones = {p.time_zone_label for p in provinces.PROVINCES}
    assert zones == {"WIB", "WITA", "WIT"}
    assert provinces.BY_CODE["31"].name == "DKI Jakarta"
    assert provinces.BY_CODE["51"].time_zone_label == "WITA"


@pytest.mark.django_db
def test_seed_demo_creates_one_user_per_role_and_prints_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in [
        "admin",
        "sekretariat",
        "koordinator.jakarta",
        "koordinator.bali",
        "penjangkau.jakarta",
        "krisis",
        "pdp",
    ]:
        assert username in out
    assert {u.role for u in User.objects.all()} == set(User.Role.values)
    jakarta = User.objects.get(username="koordinator.jakarta")
    bali = User.objects.get(username="koordinator.bali")
    assert set(jakarta.branches.all()).isdisjoint(bali.branches.all())

    call_command("seed_demo")  # a second run reuses what exists
    assert User.objects.count() == 7


def test_admin_pages_are_scoped_and_only_for_admins(client_of, dewi, ayu, jakarta_dic, bali_dic):
    assert client_of(dewi).get(reverse("admin:opsi_dropincentre_changelist")).status_code == 200
    assert client_of(ayu).get(reverse("admin:opsi_dropincentre_changelist")).status_code == 302
