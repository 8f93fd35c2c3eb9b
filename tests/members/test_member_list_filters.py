"""The member list's folded filters are rendered once and kept, under a key read from the fields
themselves: what each user is shown stays what the form holds for that user at that moment."""

import re

from django.urls import reverse


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
