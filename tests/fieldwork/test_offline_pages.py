"""The installable app's files and the capture page: served from the site, under its CSP,
holding the catalogue and the user's centres but no member."""

import json

import pytest

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_service_worker_is_served_from_the_root_for_the_whole_app(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert 'addEventListener("fetch"' in response.content.decode()


def test_manifest_names_the_app_and_opens_the_capture_page(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/offline/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_csp_lets_the_worker_and_manifest_come_from_the_site_only(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_capture_page_holds_the_catalogue_but_nothing_of_the_worker_nor_any_member(
    client_of, ayu, jakarta_dic, bali_dic, catalogue, django_assert_max_num_queries
):
    """The phone keeps this page for use without signal: anyone holding the phone may open it.
    It holds what is the same for every worker (catalogue, topics, the server's public key)."""
    MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="MAWA2010195", peer_educator=True)
    client = client_of(ayu)
    with django_assert_max_num_queries(20):
        response = client.get("/offline/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Konseling" in page and 'data-seal-key="B' in page
    assert "DIC Jakarta Utara" not in page and "DIC Denpasar" not in page  # no centre, hers or another's
    assert "Jakarta" not in page and 'name="workers"' not in page and "data-user" not in page
    assert "Mawar" not in page and "MAWA2010195" not in page  # no member, not even a peer educator


def test_the_worker_gets_her_centres_and_branches_fresh_and_only_hers(
    client_of, ayu, jakarta_dic, bali_dic, catalogue, django_assert_max_num_queries
):
    client = client_of(ayu)
    with django_assert_max_num_queries(16):
        response = client.get("/offline/worker/")
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["user"] == ayu.pk and data["csrf"]
    centres = data["choices"]["visit_drop_in_centre"]
    assert centres["options"] == [[str(jakarta_dic.pk), "DIC Jakarta Utara"]] and centres["value"] == str(
        jakarta_dic.pk
    )
    assert data["choices"]["session_branch"]["options"] == [[str(jakarta_dic.branch.pk), "Jakarta"]]
    assert "Denpasar" not in response.content.decode()


def test_the_worker_settings_are_for_those_who_record_work(client, client_of, sari):
    assert client_of(sari).get("/offline/worker/").status_code == 403
    client.logout()
    assert client.get("/offline/worker/").status_code == 302


def test_capture_page_is_for_those_who_record_work(client_of, sari):
    assert client_of(sari).get("/offline/").status_code == 403


def test_every_page_of_a_worker_shows_the_offline_line(client_of, ayu, jakarta_dic):
    page = client_of(ayu).get("/").content.decode()
    assert 'id="offline-state"' in page and "js/offline.js" in page


def test_the_capture_page_the_phone_keeps_names_nobody_but_keeps_log_out(client_of, ayu, jakarta_dic, catalogue):
    """Its copy opens on the phone with no signal and no login: a stranger holding the phone
    learns no username from it."""
    page = client_of(ayu).get("/offline/").content.decode()
    assert "Masuk sebagai" not in page and ">ayu<" not in page and " ayu " not in page
    assert 'action="/logout/"' in page
    assert "Masuk sebagai ayu" in client_of(ayu).get("/").content.decode()  # other pages still say who
