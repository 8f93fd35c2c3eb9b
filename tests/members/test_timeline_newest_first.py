"""The member page's timeline shows the newest entries and more on request: a regular who came
every week for years has hundreds of visits, and a page listing them all is slow on a cheap phone
(the server reads and renders only what it shows)."""

import datetime
import re

import pytest
from django.urls import reverse

from members import timeline
from services.models import Visit

FIRST = datetime.date(2025, 1, 6)


@pytest.fixture
def regular(mawar, jakarta_dic):
    """Mawar came every Monday for 60 weeks (and joined before the first)."""
    Visit.objects.bulk_create(
        Visit(drop_in_centre=jakarta_dic, member=mawar, uic=mawar.uic, visited_on=FIRST + datetime.timedelta(weeks=n))
        for n in range(60)
    )
    return mawar


def _timeline(client, member, query=""):
    response = client.get(reverse("member_detail", args=[member.pk]) + query)
    assert response.status_code == 200
    content = response.content.decode()
    listed = content.split('<ol class="timeline">')[1].split("</ol>")[0]
    return re.findall(r'<time datetime="([\d-]+)">', listed), content


def test_the_newest_fifty_are_shown_with_a_link_to_older_ones(client_of, ayu, regular):
    dates, content = _timeline(client_of(ayu), regular)
    assert len(dates) == timeline.SHOWN == 50
    newest = FIRST + datetime.timedelta(weeks=59)
    assert dates[0] == newest.isoformat() and dates == sorted(dates, reverse=True)
    assert FIRST.isoformat() not in dates  # the oldest visit waits for the next step
    assert (
        '<a class="more" href="?entries=200#timeline" data-older-entries>Tampilkan catatan yang lebih lama</a>'
        in content
    )


def test_older_entries_show_everything_when_asked(client_of, ayu, regular):
    dates, content = _timeline(client_of(ayu), regular, "?entries=200")
    assert len(dates) == 61  # 60 visits and joining
    assert dates[-1] == regular.joined_on.isoformat()
    assert "data-older-entries" not in content and "catatan terbaru yang ditampilkan" not in content


@pytest.mark.parametrize("asked", ["abc", "-3", "10", "", "1e9"])
def test_a_strange_entries_value_shows_the_usual_fifty(client_of, ayu, regular, asked):
    dates, _content = _timeline(client_of(ayu), regular, f"?entries={asked}")
    assert len(dates) == 50


def test_a_page_never_lists_more_than_its_bound_and_says_so(client_of, ayu, regular, monkeypatch):
    monkeypatch.setattr(timeline, "MOST_SHOWN", 55)
    monkeypatch.setattr("members.member_views.TIMELINE_MOST_SHOWN", 55)
    dates, content = _timeline(client_of(ayu), regular, "?entries=100000")
    assert len(dates) == 55
    assert "data-older-entries" not in content
    assert "Hanya 55 catatan terbaru yang ditampilkan." in content


def test_a_short_history_has_no_link(client_of, ayu, mawar, jakarta_dic):
    Visit.objects.create(drop_in_centre=jakarta_dic, member=mawar, uic=mawar.uic, visited_on=FIRST)
    dates, content = _timeline(client_of(ayu), mawar)
    assert dates == [FIRST.isoformat(), mawar.joined_on.isoformat()]
    assert "data-older-entries" not in content


def test_another_branchs_coordinator_sees_no_timeline_at_all(client_of, bunga, regular):
    response = client_of(bunga).get(reverse("member_detail", args=[regular.pk]) + "?entries=1000")
    assert response.status_code == 404
