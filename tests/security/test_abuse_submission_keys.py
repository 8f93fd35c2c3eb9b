"""A submission key comes back from the browser or a phone's offline queue: another user's key
(copied, guessed, replayed) never returns, names or points to the record it made."""

import uuid

from django.urls import reverse

from services.models import Visit


def _walk_in(catalogue, centre, key):
    return {
        "walk_in": "1",
        "walk_in_uic": "SIBU2150390",
        "submission_key": key,
        "services": [catalogue["counselling"].pk],
        "drop_in_centre": centre.pk,
        "visited_on": "2025-05-01",
    }


def test_another_branchs_coordinator_sending_a_used_key_gets_no_record_of_it(
    client_of, ayu, bunga, jakarta_dic, bali_dic, catalogue
):
    key = str(uuid.uuid4())
    first = client_of(ayu).post(reverse("visit_new"), _walk_in(catalogue, jakarta_dic, key))
    jakarta_visit = Visit.objects.get(submission_key=key)
    assert first.status_code == 302

    replay = client_of(bunga).post(reverse("visit_new"), _walk_in(catalogue, bali_dic, key))
    assert replay.status_code == 403
    assert f"/visits/{jakarta_visit.pk}/" not in replay.get("Location", "")
    assert "Jakarta" not in replay.content.decode()
    assert list(Visit.objects.values_list("drop_in_centre", flat=True)) == [jakarta_dic.pk]


def test_the_same_user_sending_her_key_twice_still_lands_on_her_one_visit(client_of, ayu, jakarta_dic, catalogue):
    key = str(uuid.uuid4())
    client = client_of(ayu)
    first = client.post(reverse("visit_new"), _walk_in(catalogue, jakarta_dic, key))
    again = client.post(reverse("visit_new"), _walk_in(catalogue, jakarta_dic, key))
    assert first["Location"] == again["Location"]
    assert Visit.objects.filter(submission_key=key).count() == 1
