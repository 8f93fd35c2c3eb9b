"""The login ends while a visit is typed (30 idle minutes at the centre): Save leads to the login
page, which says nothing was saved; after logging in, the visit is back, filled, and saves once."""

from importlib import import_module

import pytest
from django.conf import settings

from services.models import Visit
from tests.browser.pages import screenshot, type_login
from tests.factories import PASSWORD, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_saved_after_the_login_ended_comes_back_after_the_login_and_saves_once(
    live_server, phone, ayu, jakarta_dic, catalogue, stocked
):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    mawar = MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="SIBU2150390")
    type_login(phone, live_server, "ayu", f"/visits/new/?member={mawar.pk}")
    phone.get_by_label("Konseling").check()
    phone.get_by_label("Kondom", exact=True).check()
    phone.locator(f"#id_qty_{catalogue['condoms'].pk}").fill("10")

    # The login ends on the server while the form is open.
    session = next(c for c in phone.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=session["value"]).delete()

    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_url(lambda url: "/login/" in url)
    assert "tidak ada yang tersimpan" in phone.locator("main").inner_text().lower()
    screenshot(phone, "visit-after-the-login-ended")
    assert not Visit.objects.exists()

    phone.get_by_label("Nama pengguna").fill("ayu")
    phone.get_by_label("Sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    phone.wait_for_url(f"{live_server.url}/visits/new/*")
    assert phone.get_by_label("Konseling").is_checked() and phone.get_by_label("Kondom", exact=True).is_checked()
    assert phone.locator(f"#id_qty_{catalogue['condoms'].pk}").input_value() == "10"
    assert "Belum ada yang tersimpan" in phone.locator("main").inner_text()
    assert not Visit.objects.exists()

    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/visits/*/")
    visit = Visit.objects.get()
    assert visit.member == mawar and visit.services.count() == 2
