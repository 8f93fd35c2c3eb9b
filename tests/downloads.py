"""A file as a user gets it: the page's button asks for it, the progress page offers it, the link
hands it over (opsi/jobs.py). The tests run the queue's work within the request
(``files_made_at_once`` in conftest), so the progress page offers the file at once."""

import uuid
from urllib.parse import urlencode

from django.urls import reverse

from opsi.jobs import Job


def ask(client, url, params=None, key=None):
    """Send the page's form that asks for the file at ``url`` (query ``params``)."""
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
    return client.post(url, {"submission_key": str(key or uuid.uuid4())})


def download(client, url, params=None):
    """The file's response, or the refusal of the asking (a 403, a 404)."""
    response = ask(client, url, params)
    if response.status_code != 302 or not response.url.startswith("/files/"):
        return response
    job = Job.objects.get(pk=response.url.split("/")[2])
    progress = client.get(response.url)
    assert progress.status_code == 200
    if job.state != Job.State.DONE:
        return progress
    file_url = reverse("job_file", args=[job.pk])
    assert file_url in progress.content.decode()
    return client.get(file_url)
