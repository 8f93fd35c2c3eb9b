"""Who may ask for a file, follow it and fetch it: every role, on its own branch and another,
and a job of someone else (even of the same branch, even for the secretariat and the admin)."""

import pytest
from django.urls import reverse

from opsi import jobs
from opsi.models import User
from tests.downloads import ask, download
from tests.factories import MemberFactory, UserFactory

# Whose branch is "own": Jakarta for all but bunga (Bali's coordinator), "other" the one not theirs.
OWN = {"ayu": "jakarta", "bunga": "bali", "putri": "jakarta", "sari": "jakarta", "dewi": "jakarta"}
OTHER = {"ayu": "bali", "bunga": "jakarta", "putri": "bali", "sari": "bali", "dewi": "bali"}
ALIAS = {"jakarta": "Mawar", "bali": "Kamboja"}

# role -> (member export of own branch, of the other branch): the members the file holds, or a refusal.
MEMBER_EXPORT = {
    "ayu": (["Mawar"], []),
    "bunga": (["Kamboja"], []),
    "putri": (403, 403),
    "sari": (["Mawar"], ["Kamboja"]),
    "dewi": (["Mawar"], ["Kamboja"]),
}
# role -> (report file of own branch, of the other branch): 200 the file, or a refusal.
REPORT_FILE = {
    "ayu": (200, 404),
    "bunga": (200, 404),
    "putri": (200, 404),
    "sari": (200, 200),
    "dewi": (200, 200),
}


@pytest.fixture
def branches(jakarta, bali):
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    MemberFactory(branch=bali, alias="Kamboja", uic="DEAG3010195")
    return {"jakarta": jakarta, "bali": bali}


@pytest.mark.parametrize("who", MEMBER_EXPORT)
@pytest.mark.parametrize("side", ["own", "other"])
def test_member_export_follows_the_branch_rule(client_of, people, branches, who, side):
    branch = branches[(OWN if side == "own" else OTHER)[who]]
    expected = MEMBER_EXPORT[who][0 if side == "own" else 1]
    response = download(client_of(people[who]), reverse("member_export", args=["csv"]), {"branch": branch.pk})
    if isinstance(expected, int):
        assert response.status_code == expected
        return
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert sorted(alias for alias in ALIAS.values() if alias in text) == expected


@pytest.mark.parametrize("who", REPORT_FILE)
@pytest.mark.parametrize("side", ["own", "other"])
def test_report_file_follows_the_branch_rule(client_of, people, branches, who, side):
    branch = branches[(OWN if side == "own" else OTHER)[who]]
    query = {"definition": "btg", "period_kind": "year", "year": "2025", "scope": f"branch:{branch.pk}"}
    response = download(client_of(people[who]), reverse("report_download", args=["csv"]), query)
    expected = REPORT_FILE[who][0 if side == "own" else 1]
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith('attachment; filename="btg-')


@pytest.fixture
def someone_else_s_jobs(jakarta, bali, branches):
    """A ready export of Bali's coordinator and one of another coordinator of Jakarta."""
    made = []
    for name, branch in (("bali_exporter", bali), ("jakarta_exporter", jakarta)):
        user = UserFactory(username=name, role=User.Role.COORDINATOR, branches=[branch])
        made.append(jobs.request_job(user, "member_export", {"format": "csv", "query": ""})[0])
    return made


@pytest.mark.parametrize("who", OWN)
@pytest.mark.parametrize("page", ["job_progress", "job_file"])
def test_another_user_s_job_is_not_there_for_anyone(client_of, people, someone_else_s_jobs, who, page):
    client = client_of(people[who])
    for job in someone_else_s_jobs:
        assert job.state == job.State.DONE
        assert client.get(reverse(page, args=[job.pk])).status_code == 404
        assert client.post(reverse(page, args=[job.pk])).status_code == 404


@pytest.mark.parametrize("who", ["ayu", "bunga", "sari", "dewi"])
def test_a_user_follows_and_fetches_her_own_file(client_of, people, branches, who):
    client = client_of(people[who])
    response = ask(client, reverse("member_export", args=["csv"]))
    assert client.get(response.url).status_code == 200
    assert client.get(response.url + "download").status_code == 200


@pytest.mark.parametrize("page", ["job_progress", "job_file"])
def test_a_job_that_does_not_exist_is_a_404(client_of, ayu, page):
    assert client_of(ayu).get(reverse(page, args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
