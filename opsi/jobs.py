"""Long work off the web workers: a file asked for on a page is made by a worker, then fetched.

The request records a ``Job`` and puts a task on the queue (Django's tasks API through
django-tasks, its database backend: the database already there, SQLite or PostgreSQL); the page
that asked sends the user to the job's progress page, which reloads itself until the file is
ready (pretix's ``AsyncAction`` and ``CachedFile`` do the same). What makes each kind of file
lives in the app that owns it, registered here from its ``AppConfig.ready()`` (``register``).

- The file is kept in the job's row, encrypted with the field encryption (``opsi.crypto``):
  whichever host runs the worker, every app server can hand it over, and a copy of the
  database or of a backup does not read it. It expires (``JOB_FILE_MINUTES``) and is deleted
  by the worker's sweep (and ``manage.py apply_retention``).
- Only the user who asked fetches it, and only while they may still see what it holds: the
  kind's ``may_fetch`` is asked again at each fetch, which is audited like the page was.
- A worker killed mid-job stops beating (``heartbeat_at``); any other worker's sweep puts the
  job back on the queue, at most ``JOB_ATTEMPTS`` times. A late answer from an attempt that was
  given up is thrown away, so a job ends with one file, once.
- A form sent twice asks once: the same ``submission_key``, or the same file asked again while
  the first is still being made, leads to the first job.
"""

import hashlib
import json
import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crypto
from .submissions import create_once

logger = logging.getLogger(__name__)


@dataclass
class JobFile:
    """What a kind of job makes: the bytes, the name and type to hand them over with, and the
    details its audit entry records at each fetch (counts and scope, never a member's value)."""

    content: bytes
    file_name: str
    content_type: str
    details: dict = field(default_factory=dict)


@dataclass
class JobKind:
    """A kind of file made on the queue.

    ``make(job, progress)`` returns a ``JobFile``; ``progress(percent)`` says how far it is.
    ``may_fetch(user, job)``: whether ``user`` (who asked) may still have it; asked before the
    work starts and again at every fetch. ``audit`` names the fetch in the audit trail.
    """

    name: str
    make: object
    may_fetch: object
    audit: str
    label: object = ""
    back: object = None  # back(job): the page that asked, to ask again


_kinds = {}


def register(kind):
    _kinds[kind.name] = kind
    return kind


def kind_of(name):
    return _kinds[name]


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs ``user`` asked for: another user's job is not there (a 404)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(requested_by=user)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready to download")
        FAILED = "failed", _("could not be made")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind of file"), max_length=40)
    params = models.JSONField(_("what was asked"), default=dict, help_text=_("The form's values, to make the file."))
    params_key = models.CharField(max_length=64, editable=False, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("asked by")
    )
    submission_key = models.UUIDField(unique=True, null=True, editable=False)
    state = models.CharField(_("state of the work"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts made"), default=0)
    task_id = models.CharField(_("task on the queue"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of its worker"), null=True, blank=True)
    finished_at = models.DateTimeField(_("work finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    file_name = models.CharField(_("name of the file"), max_length=200, blank=True)
    content_type = models.CharField(_("type of the file"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size of the file in bytes"), default=0)
    # Fernet token of the file (opsi.crypto): unreadable without FIELD_ENCRYPTION_KEYS.
    sealed_content = models.TextField(_("file, encrypted"), blank=True, editable=False)
    details = models.JSONField(_("what the audit trail records of the file"), default=dict, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("file being made")
        verbose_name_plural = _("files being made")
        indexes = [models.Index(fields=["state", "heartbeat_at"]), models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"{self.kind} {self.pk}"

    @property
    def recorded_by_id(self):  # what opsi.submissions.create_once compares with the sender
        return self.requested_by_id

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def waited_seconds(self):
        return int((timezone.now() - self.created_at).total_seconds())

    def content(self):
        """The file's bytes, or None once it has expired."""
        if self.state != self.State.DONE or not self.sealed_content or self.expired:
            return None
        return crypto.decrypt_bytes(self.sealed_content, max_age=_file_lifetime().total_seconds() + 60)


def _file_lifetime():
    return timedelta(minutes=settings.JOB_FILE_MINUTES)


def request_job(user, kind, params, submission_key=None):
    """``(job, created)``: the job that makes a ``kind`` file of ``params`` for ``user``.

    The same file asked again while it is waiting or being made is the job already there;
    a job and its task on the queue are recorded together or not at all."""
    kind_of(kind)
    params_key = hashlib.sha256(json.dumps([kind, params], sort_keys=True).encode()).hexdigest()
    waiting = Job.objects.filter(
        requested_by=user, params_key=params_key, state__in=[Job.State.QUEUED, Job.State.RUNNING]
    ).first()
    if waiting is not None:
        return waiting, False

    def create():
        job = Job.objects.create(
            kind=kind, params=params, params_key=params_key, requested_by=user, submission_key=submission_key
        )
        _enqueue(job)
        return job

    return create_once(Job, submission_key, create, by=user)


def ask(request, kind, params):
    """The job for a file asked for by a page's form: each form carries one ``submission_key``
    (``job_key`` in its context), each of its buttons gets a key of its own derived from it, so
    the same button sent twice makes one job."""
    try:
        page_key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        page_key = None
    key = uuid.uuid5(page_key, json.dumps([kind, params], sort_keys=True)) if page_key else None
    job, _created = request_job(request.user, kind, params, key)
    return job


def _enqueue(job):
    from .tasks import make_file

    # With the database backend the task's row commits with the job's; the immediate
    # backend (tests) makes the file here and now.
    result = make_file.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()


def run(job_id):
    """Make the file of one job (called by the task on the queue)."""
    attempt = _claim(job_id)
    if attempt is None:
        return
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    kind = kind_of(job.kind)
    user = job.requested_by
    if not user.is_active or not kind.may_fetch(user, job):
        _finish(job_id, attempt, state=Job.State.FAILED)
        return
    heart = _Heartbeat(job_id, attempt)
    heart.start()
    try:
        made = kind.make(job, lambda percent: _progress(job_id, attempt, percent))
    except Exception as error:
        # The error's text may quote a value: only its kind reaches the log.
        logger.error("job %s (%s) failed: %s", job_id, job.kind, type(error).__name__)
        _finish(job_id, attempt, state=Job.State.FAILED)
        return
    finally:
        heart.stop()
    _finish(job_id, attempt, state=Job.State.DONE, made=made)


def _claim(job_id):
    """The attempt number this worker now holds, or None when the job is not waiting
    (finished, given up, or in another worker's hands)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, state=Job.State.QUEUED).first()
        if job is None:
            return None
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at = Job.State.RUNNING, now, now
        job.attempts += 1
        job.progress = 0
        job.save(update_fields=["state", "started_at", "heartbeat_at", "attempts", "progress"])
        return job.attempts


def _mine(job_id, attempt):
    return Job.objects.filter(pk=job_id, attempts=attempt, state=Job.State.RUNNING)


def _progress(job_id, attempt, percent):
    _mine(job_id, attempt).update(progress=max(0, min(99, int(percent))), heartbeat_at=timezone.now())


def _finish(job_id, attempt, state, made=None):
    """Keep the outcome, unless this attempt was given up meanwhile (its answer is dropped)."""
    now = timezone.now()
    changes = {"state": state, "finished_at": now, "heartbeat_at": now}
    if made is not None:
        changes.update(
            progress=100,
            sealed_content=crypto.encrypt_bytes(made.content),
            size=len(made.content),
            file_name=made.file_name,
            content_type=made.content_type,
            details=made.details,
            expires_at=now + _file_lifetime(),
        )
    else:
        changes["expires_at"] = now + _file_lifetime()
    with transaction.atomic():
        kept = _mine(job_id, attempt).update(**changes)
    if not kept:
        logger.warning("job %s: attempt %s was given up, its result is dropped", job_id, attempt)


class _Heartbeat:
    """Says every ``JOB_HEARTBEAT_SECONDS`` that the worker making a job is alive, from a
    thread of its own, so a long step (writing a workbook) is not taken for a dead worker."""

    def __init__(self, job_id, attempt):
        self.job_id, self.attempt = job_id, attempt
        self._stopped = threading.Event()
        self._thread = None

    def start(self):
        if connection.in_atomic_block:
            return  # made inside a request (the immediate backend): there is no worker to lose
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{self.job_id}", daemon=True)
        self._thread.start()

    def _beat(self):
        from django.db import connections

        try:
            while not self._stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                _mine(self.job_id, self.attempt).update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()

    def stop(self):
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()


def requeue_abandoned():
    """Put back on the queue the jobs whose worker stopped beating (killed, its host lost);
    one that was tried ``JOB_ATTEMPTS`` times fails instead. Returns how many went back."""
    silent_since = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    requeued = 0
    for job_id in Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=silent_since).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, state=Job.State.RUNNING, heartbeat_at__lt=silent_since)
                .first()
            )
            if job is None:
                continue
            _give_up_task(job.task_id)
            if job.attempts >= settings.JOB_ATTEMPTS:
                logger.error("job %s (%s) failed: its worker stopped %s times", job.pk, job.kind, job.attempts)
                job.state, job.finished_at = Job.State.FAILED, timezone.now()
                job.expires_at = job.finished_at + _file_lifetime()
                job.save(update_fields=["state", "finished_at", "expires_at"])
                continue
            logger.warning("job %s (%s): its worker stopped, back on the queue", job.pk, job.kind)
            job.state, job.task_id = Job.State.QUEUED, ""
            job.save(update_fields=["state", "task_id"])
            _enqueue(job)
            requeued += 1
    return requeued


def _give_up_task(task_id):
    """The abandoned task's row, if the database backend keeps one, says it failed (it would
    stay 'running' for ever)."""
    if not task_id or "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="opsi.jobs.WorkerStopped"
    )


def delete_expired():
    """Delete the files past their hour, and jobs nobody made within a day. Returns how many."""
    now = timezone.now()
    deleted, _ = Job.objects.filter(
        models.Q(expires_at__lte=now) | models.Q(created_at__lte=now - timedelta(days=1))
    ).delete()
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.finished().filter(finished_at__lte=now - timedelta(days=1)).delete()
    return deleted


def sweep():
    """A worker's round of upkeep: abandoned jobs back on the queue, expired files deleted."""
    return requeue_abandoned(), delete_expired()
