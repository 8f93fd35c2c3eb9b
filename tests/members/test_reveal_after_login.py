"""A reveal or a help record sent after the session ended leads back, after logging
in again, to the page it came from: never to a blank "405" page."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from members.identity import save_identity
from tests.factories import PASSWORD, MemberFactory
from tests.incidents.conftest import make_incident


def log_in_again(client, response, username):
    """Follow the login page the app sent the user to, log in, follow where it leads."""
    assert response.status_code == 302
    login = urlparse(response.url)
    assert login.path == reverse("login")
    return client.post(response.url, {"username": username, "password": PASSWORD}, follow=True)


def test_reveal_after_the_session_ended_lands_on_the_member_page_with_the_app(client, ayu, jakarta):
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    save_identity(mawar, None, nik="3171014502900004")
    response = client.post(reverse("member_reveal", args=[mawar.pk]), {"field": "nik", "reason": "BPJS"})
    page = log_in_again(client, response, "ayu")
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == reverse("member_detail", args=[mawar.pk])
    html = page.content.decode()
    assert "Mawar" in html and 'class="exit"' in html
    assert "3171014502900004" not in html  # nothing revealed without asking again


def test_recording_help_after_the_session_ended_lands_on_the_incident(client, ayu, jakarta):
    incident = make_incident(jakarta)
    response = client.post(reverse("incident_respond", args=[incident.pk]), {"help_kind": "legal", "given": "on"})
    page = log_in_again(client, response, "ayu")
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == reverse("incident_detail", args=[incident.pk])
    assert incident.responses.count() == 0


@pytest.mark.parametrize("name", ["member_reveal", "incident_respond"])
def test_opening_a_post_only_address_of_another_branch_is_still_a_404(client_of, ayu, bali, name):
    obj = make_incident(bali) if name == "incident_respond" else MemberFactory(branch=bali)
    assert client_of(ayu).get(reverse(name, args=[obj.pk])).status_code == 404
