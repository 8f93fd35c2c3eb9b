"""Sending a ``dataValueSets`` payload to the configured DHIS2 server (``DHIS2_URL``, with a
personal access token ``DHIS2_TOKEN``, both from the environment).

``POST /api/dataValueSets?idScheme=code&importStrategy=CREATE_AND_UPDATE``, first with
``dryRun=true``: DHIS2 answers with its import summary (status, counts imported, updated,
ignored and deleted, conflicts) and saves nothing. DHIS2 2.38 and later wrap the summary in a
``{"httpStatus", "status", "message", "response": {...}}`` envelope and answer 409 when there
are conflicts; earlier versions answer the summary itself: both are read."""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

TIMEOUT = 20  # seconds: under gunicorn's 30


class SendFailed(Exception):
    pass


def _url(dry_run):
    base = settings.DHIS2_URL.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("https", "http"):
        raise SendFailed(_("DHIS2_URL must be an https address."))
    query = {"idScheme": "code", "importStrategy": "CREATE_AND_UPDATE", "dryRun": "true" if dry_run else "false"}
    return f"{base}/api/dataValueSets?{urllib.parse.urlencode(query)}"


@sensitive_variables()  # the request's headers hold the token
def send(content, dry_run=True):
    """The import summary DHIS2 answers (a dict), or ``SendFailed`` saying why not."""
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked in _url)
        _url(dry_run),
        data=content,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"ApiToken {settings.DHIS2_TOKEN}",
        },
    )
    try:
        # The scheme is checked in _url (https, or http for a server on the same machine).
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # nosec B310
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
        if error.code != 409:  # 409: imported with conflicts, the summary says which
            raise SendFailed(_("the server answered %(code)s.") % {"code": error.code}) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SendFailed(_("the server could not be reached (%(why)s).") % {"why": error}) from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise SendFailed(_("the answer was not an import summary.")) from None
    summary = answer.get("response", answer) if isinstance(answer, dict) else None
    if not isinstance(summary, dict) or "importCount" not in summary:
        raise SendFailed(_("the answer was not an import summary.")) from None
    return {
        "status": str(summary.get("status", "")),
        "importCount": {
            k: int(summary["importCount"].get(k, 0)) for k in ("imported", "updated", "ignored", "deleted")
        },
        "conflicts": [
            {"object": str(c.get("object", ""))[:100], "value": str(c.get("value", ""))[:300]}
            for c in summary.get("conflicts", [])[:50]
            if isinstance(c, dict)
        ],
    }


def describe(summary):
    counts = summary["importCount"]
    return _("%(status)s: %(imported)s imported, %(updated)s updated, %(deleted)s deleted, %(ignored)s ignored") % {
        "status": summary["status"],
        **counts,
    }
