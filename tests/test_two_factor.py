"""Two-step login: required for administrators and the secretariat, available to all."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.logins import code_for, password_login


@pytest.mark.parametrize("who", ["sari", "dewi"])
def test_admin_and_secretariat_reach_no_page_before_the_second_factor(people, jakarta, who):
    client = password_login(people[who])
    for url in [reverse("home"), reverse("member_list"), reverse("report_page"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup")), url


def test_setting_up_the_app_gives_backup_codes_and_opens_the_site(sari, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code slows the next tries; not what this test is about
    client = password_login(sari)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=sari, confirmed=False)
    response = client.post(
        reverse("two_factor_setup"), {"token": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "token" in response.context["form"].errors
    response = client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200

    # Next login: the second step asks for a code; a backup code works once.
    again = password_login(sari)
    assert again.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
    again.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert again.get(reverse("home")).status_code == 200
    third = password_login(sari)
    response = third.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert response.status_code == 200 and "token" in response.context["form"].errors
    assert third.get(reverse("home")).status_code == 302


def test_coordinator_is_not_forced_but_may_turn_it_on(ayu, jakarta):
    client = password_login(ayu)
    assert client.get(reverse("home")).status_code == 200
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=ayu)
    client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    again = password_login(ayu)
    assert again.get(reverse("home")).url.startswith(reverse("two_factor_verify"))


def test_a_wrong_code_never_opens_the_site(sari):
    client = password_login(sari)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=sari)
    client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    again = password_login(sari)
    response = again.post(reverse("two_factor_verify"), {"token": "12345678"})
    assert response.status_code == 200
    assert again.get(reverse("member_list")).status_code == 302
