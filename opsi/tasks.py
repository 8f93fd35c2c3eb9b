"""Tasks on the queue (Django's tasks API, django-tasks' backport until Django 6).

``manage.py db_worker`` runs them; see ``opsi.jobs`` for what a job is.
"""

from django_tasks import task

from . import jobs


@task()
def make_file(job_id):
    """Make the file of one job (``opsi.jobs.run``)."""
    jobs.run(job_id)
