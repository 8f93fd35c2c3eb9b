"""The member list's folded filters are rendered once and kept, under a key read from the fields
themselves: what each user is shown stays what the form holds for that user at that moment."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import BranchFactory, MemberFactory, UserFactory


def _branch_select(client, query=""):
    page = client.get(reverse("member_list") + query).content.decode()
    return re.search(r'<select name="branch".*?</select>', page, re.S).group(0), page


def test_the_kept_filters_list_only_the_users_own_branches(ayu, bunga, client_of):
    jakarta_select, _ = _branch_select(client_of(ayu))
    bali_select, _ = _branch_select(client_of(bunga))  # the same page, kept a moment ago for Ayu
    assert "Jakarta" in jakarta_select and "Bali" not in jakarta_select
    assert "Bali" in bali_select and "Jakarta" not in bali_select


def test_a_renamed_branch_shows_at_once_in_the_filters(ayu, jakarta, client_of):
    client = client_of(ayu)
    _branch_select(client)
    jakarta.name = "Jakarta Raya"
    jakarta.save()
    select, _ = _branch_select(client)
    assert "Jakarta Raya" in select


def test_a_chosen_filter_is_shown_chosen_and_the_filters_open(ayu, client_of):
    client = client_of(ayu)
    _, plain = _branch_select(client)
    _, chosen = _branch_select(client, "?kind=regular")
    assert "<details>" in plain and '<option value="regular" selected>' not in plain
    assert "<details open>" in chosen and '<option value="regular" selected>' in chosen
    _, again = _branch_select(client)
    assert "<details>" in again and '<option value="regular" selected>' not in again


def test_a_filter_value_that_does_not_exist_says_so(ayu, client_of):
    client = client_of(ayu)
    _branch_select(client)
    _, page = _branch_select(client, "?kind=nonsense")
    assert 'class="error"' in page


def _select_as_before(user, data=None):
    """The branch filter as the list drew it with a ModelChoiceField over the branches the user sees."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    from opsi.tenant import Branch

    class Before(forms.Form):
        branch = forms.ModelChoiceField(
            label=_("Branch"), required=False, queryset=Branch.objects.visible_to(user), empty_label=_("All")
        )

    return str(Before(data)["branch"])


@pytest.mark.parametrize("who", ["ayu", "two branches", "sari"])
@pytest.mark.parametrize("chosen", [False, True])
def test_the_branch_filter_is_the_same_select_as_before(who, chosen, ayu, sari, jakarta, bali, client_of):
    user = {"ayu": ayu, "sari": sari, "two branches": UserFactory(branches=[jakarta, bali])}[who]
    BranchFactory(province="94", name="Papua")  # a branch nobody but the secretariat sees
    query = f"?branch={jakarta.pk}" if chosen else ""
    select, _ = _branch_select(client_of(user), query)
    assert select == _select_as_before(user, {"branch": str(jakarta.pk)} if chosen else None)


def test_a_branch_user_s_filters_read_no_branch_rows(ayu, client_of):
    client = client_of(ayu)
    client.get(reverse("member_list"), {"q": "Mawar"})
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("member_list"), {"q": "Mawar"})
    branch_reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "members_branch"')]
    assert branch_reads == []


def test_another_branch_in_the_filter_is_refused_and_shows_none_of_its_members(ayu, bali, client_of):
    from members.models import Member

    MemberFactory(branch=bali, alias="Kamboja")
    _, page = _branch_select(client_of(ayu), f"?branch={bali.pk}")
    assert 'class="error"' in page and "Kamboja" not in page
    assert Member.objects.filter(alias="Kamboja").exists()


def test_a_search_reads_without_opening_a_transaction(ayu, client_of):
    """The list only reads: no BEGIN and COMMIT around it (inside a test's own transaction,
    a view's transaction shows as a savepoint)."""
    client = client_of(ayu)
    client.get(reverse("member_list"), {"q": "Mawar"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("member_list"), {"q": "Mawar"})
    assert response.status_code == 200
    opened = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(("BEGIN", "SAVEPOINT"))]
    assert opened == []
