"""An administrator erases, on her phone, a member who was a peer educator of an outreach
session; the session's audit trail in the admin, and the session's own page, then show
neither her code nor her alias, while the other peer educator is still named in full."""

import datetime
import re
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from outreach.models import OutreachSession
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALIAS, CODE = "Kenanga", "KEBU2150390"
OTHER = "Mawar (SIBU2150390)"


@pytest.fixture
def led_by_kenanga(ayu, jakarta):
    from outreach.recording import record_session

    kenanga = MemberFactory(branch=jakarta, alias=ALIAS, uic=CODE, peer_educator=True)
    mawar = MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390", peer_educator=True)
    session, _new = record_session(
        OutreachSession(branch=jakarta, held_on=jakarta.today() - datetime.timedelta(days=3), place_kind="hotspot"),
        topics=[],
        members=[],
        codes=[],
        commodities={},
        workers=[ayu],
        peer_educators=[kenanga, mawar],
        by=ayu,
        submission_key=uuid.uuid4(),
    )
    return session


def session_trail(phone, live_server, session):
    """The text of the session's entries in the audit trail: the list filtered to outreach
    sessions, and each of this session's entries opened."""
    kind = ContentType.objects.get_for_model(OutreachSession)
    phone.goto(f"{live_server.url}/admin/auditlog/logentry/?resource_type={kind.pk}")
    texts = [phone.locator("#content").inner_text()]
    entries = LogEntry.objects.filter(content_type=kind, object_pk=str(session.pk))
    assert entries.exists()
    hrefs = phone.locator("#result_list a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    links = {href.split("?")[0] for href in hrefs if re.match(r"/admin/auditlog/logentry/\d+/change/", href or "")}
    assert {f"/admin/auditlog/logentry/{entry.pk}/change/" for entry in entries} <= links
    for href in sorted(links):
        phone.goto(live_server.url + href)
        texts.append(phone.locator("#content").inner_text())
    return "\n".join(texts)


def test_an_erased_peer_educator_is_named_nowhere_in_her_sessions_trail(live_server, phone_of, dewi, led_by_kenanga):
    session = led_by_kenanga
    phone = phone_of(dewi)
    before = session_trail(phone, live_server, session)
    assert f"{ALIAS} ({CODE})" in before and OTHER in before  # the trail names the peer educators

    phone.goto(f"{live_server.url}/admin/members/member/?q={CODE}")
    phone.locator("input[name=_selected_action]").check()
    phone.locator("select[name=action]").select_option("forget")
    phone.get_by_role("button", name="Buka").click()
    assert "1 anggota dihapus datanya." in phone.locator(".messagelist").inner_text()

    after = session_trail(phone, live_server, session)
    assert CODE not in after and ALIAS not in after
    assert OTHER in after  # the other peer educator is still named in full
    phone.goto(f"{live_server.url}/outreach/{session.pk}/")
    page = phone.locator("main").inner_text()
    assert CODE not in page and ALIAS not in page and "Mawar" in page
