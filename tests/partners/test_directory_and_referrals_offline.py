"""The directory and the referral without signal: the capture page carries a referral form with
the directory's services and nothing of the worker; a sealed referral is sent once."""

import json
import re
import uuid

from django.urls import reverse

from fieldwork import sealing
from services.models import Referral


def _referral(user, branch, service, code="SIBU2150390", key=None):
    return {
        "worker": user.pk,
        "kind": "referral",
        "fields": [
            ["submission_key", str(key or uuid.uuid4())],
            ["branch", str(branch.pk)],
            ["uic", code],
            ["service", str(service.pk)],
            ["made_on", branch.today().isoformat()],
        ],
    }


def _send(client, entry):
    sealed = sealing.seal_entry(entry)
    return client.post("/offline/send/", json.dumps({"sealed": sealed}), content_type="application/json")


def test_the_capture_page_offers_the_directory_s_services_and_not_the_worker_s_branch(
    client_of, putri, jakarta, methadone, bali_needles
):
    page = client_of(putri).get(reverse("offline_capture")).content.decode()
    assert 'data-offline-kind="referral"' in page
    assert "PTRM Puskesmas Tanjung Priok" in page and "LASS Denpasar" in page
    # Her branch comes from offline_worker and is kept under her PIN, not in the page.
    branch_select = re.search(r'<select[^>]*id="referral_branch"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert branch_select.strip() == "" and "Jakarta" not in page


def test_the_worker_s_branch_for_referrals_comes_with_her_settings(client_of, putri, jakarta):
    choices = client_of(putri).get(reverse("offline_worker")).json()["choices"]
    assert choices["referral_branch"]["options"] == [[str(jakarta.pk), "Jakarta"]]


def test_a_sealed_referral_is_saved_once(client_of, putri, jakarta, methadone):
    client = client_of(putri)
    entry = _referral(putri, jakarta, methadone)
    answer = _send(client, entry)
    assert answer.json()["state"] == "saved" and answer.json()["kind"] == "referral"
    assert answer.json()["day"] == jakarta.today().isoformat()
    assert _send(client, entry).json()["state"] == "saved"  # its answer was lost and it came again
    referral = Referral.objects.get()
    assert (referral.uic, referral.partner_service, referral.made_by) == ("SIBU2150390", methadone, putri)


def test_a_sealed_referral_with_a_bad_code_comes_back_refused(client_of, putri, jakarta, methadone):
    answer = _send(client_of(putri), _referral(putri, jakarta, methadone, code="SIBU215"))
    assert answer.json()["state"] == "refused" and not Referral.objects.exists()


def test_a_sealed_referral_in_another_branch_is_refused(client_of, putri, bali, methadone):
    answer = _send(client_of(putri), _referral(putri, bali, methadone))
    assert answer.json()["state"] == "refused" and not Referral.objects.exists()


def test_the_directory_and_the_companion_are_kept_on_the_phone_beside_the_capture_page(client_of, putri):
    page = client_of(putri).get(reverse("home")).content.decode()
    assert f'data-kept="{reverse("partner_directory")} {reverse("companion")}"' in page
