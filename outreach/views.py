import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opsi.scoping import get_visible_or_404, get_with_access_or_404, role_required
from services.stock import NotInStock

from .forms import (
    AttendanceCodesForm,
    OutsidersForm,
    ScoreForm,
    SessionForm,
    TrainingForm,
    TrainingModuleForm,
    TrainingPartnerForm,
)
from .models import (
    OutreachSession,
    OutsideParticipants,
    Training,
    TrainingAttendance,
    TrainingModule,
    TrainingScore,
)
from .recording import add_attendance, allowed_attendees, attendance_grid, parse_people, record_session, set_attendance

PAGE_SIZE = 25


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _dated(queryset, request, field):
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset, start, end


@login_required
def session_list(request):
    sessions = (
        OutreachSession.objects.visible_to(request.user)
        .select_related("branch")
        .annotate(reached=Count("contacts", distinct=True))
    )
    sessions, start, end = _dated(sessions, request, "held_on")
    page = Paginator(sessions.order_by("-held_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "outreach/session_list.html", {"page": page, "start": start, "end": end, "query": _query(request)}
    )


def _query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@role_required("writes_in_branches")
@require_http_methods(["GET", "POST"])
def session_new(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session, created = record_session(
                form.save(commit=False),
                topics=data["topics"],
                members=data["members_reached"],
                codes=data["codes_reached"],
                commodities=data["commodities"],
                workers=data["workers"],
                peer_educators=data["peer_educators"],
                by=request.user,
                submission_key=data["submission_key"],
            )
        except NotInStock as error:
            form.refuse_stock(error)
        else:
            messages.success(request, _("Outreach session saved.") if created else _("This session was already saved."))
            return redirect("session_detail", pk=session.pk)
    return render(request, "outreach/session_form.html", {"form": form})


@login_required
def session_detail(request, pk):
    session = get_visible_or_404(OutreachSession.objects.select_related("branch", "stock_centre"), request.user, pk=pk)
    return render(
        request,
        "outreach/session_detail.html",
        {
            "session": session,
            "contacts": session.contacts.select_related("member"),
            "topics": session.topics.all(),
            "commodities": session.commodities.select_related("commodity"),
            "workers": session.workers.all(),
            "peer_educators": session.peer_educators.all(),
        },
    )


@login_required
def training_list(request):
    # Outside participants are summed in a subquery: joined beside the attendance rows,
    # every count would be repeated once per attendance row.
    outsiders = (
        OutsideParticipants.objects.filter(training=OuterRef("pk"))
        .values("training")
        .annotate(total=Sum("count"))
        .values("total")
    )
    trainings = (
        Training.objects.visible_to(request.user)
        .select_related("branch")
        .annotate(members=Count("attendance__member", distinct=True), outsiders=Subquery(outsiders))
    )
    trainings, start, end = _dated(trainings, request, "starts_on")
    page = Paginator(trainings.order_by("-starts_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/training_list.html",
        {"page": page, "start": start, "end": end, "query": _query(request), "can_add": request.user.adds_trainings},
    )


@login_required
@role_required("adds_trainings")
@require_http_methods(["GET", "POST"])
def training_new(request):
    user = request.user
    form = TrainingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        training = form.save(commit=False)
        training.recorded_by = user
        training.save()
        messages.success(request, _("Training saved. Now record who attended."))
        return redirect("training_detail", pk=training.pk)
    return render(request, "outreach/training_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request, pk):
    """The training with its attendance; its four forms each send an ``action`` (TRAINING_ACTIONS)."""
    training, can_write = get_with_access_or_404(
        Training.objects.select_related("branch", "module__owner"), request.user, pk=pk
    )
    sent = request.POST.get("action") if request.method == "POST" else None
    forms = _training_forms(request, training, sent)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        saved = _save_sent(request, training, sent, forms)
        if saved:
            messages.success(request, saved)
            return redirect("training_detail", pk=pk)
    grid, grid_complete = None, True
    if training.branch_id and can_write:
        grid, grid_complete = attendance_grid(training, request.user)
    scores = training.scores.aggregate(
        pre_avg=Avg("pre"), post_avg=Avg("post"), gain=Avg(F("post") - F("pre")), n=Count("pk")
    )
    return render(
        request,
        "outreach/training_detail.html",
        {
            "training": training,
            "can_write": can_write,
            "grid": grid,
            "grid_complete": grid_complete,
            "attendance": TrainingAttendance.objects.filter(training=training)
            .select_related("member")
            .order_by("day", "member__alias"),
            "outsiders": training.outside_participants.all(),
            "partner_roles": training.partner_roles.select_related("partner").order_by("role", "partner__name"),
            "scores": scores,
            **forms,
        },
    )


def _training_forms(request, training, sent):
    """The page's forms; the one ``sent`` is bound to what was sent (shown again with its errors)."""

    def data(action):
        return request.POST if action == sent else None

    return {
        "outsiders_form": OutsidersForm(data("outsiders"), prefix="out"),
        "score_form": ScoreForm(data("score"), prefix="score", training=training, user=request.user),
        "codes_form": AttendanceCodesForm(data("codes"), prefix="codes"),
        "partner_form": TrainingPartnerForm(data("partner"), prefix="partner", training=training),
    }


def _save_sent(request, training, sent, forms):
    """Save what the page sent: the message to show once saved, or None (nothing saved)."""
    form_name, save = TRAINING_ACTIONS.get(sent, (None, None))
    if save is None:
        return None
    form = forms.get(form_name)
    if form is not None and not form.is_valid():
        return None
    return save(request, training, form)


# Each action saves one form of the training page, valid already (the grid has none): the
# message to show once saved, or None with the form's errors added.


def _member_days(keys):
    """{(member id, day)} from the grid's "<member>|<YYYY-MM-DD>" boxes; anything else is ignored."""
    found = set()
    for key in keys:
        member, _sep, day = key.partition("|")
        if member.isdigit() and _date(day):
            found.add((int(member), _date(day)))
    return found


def _save_attendance(request, training, form):
    present = _member_days(request.POST.getlist("present"))
    shown = {int(pk) for pk in request.POST.getlist("shown") if pk.isdigit()}
    was = _member_days(request.POST.getlist("was")) if "was" in request.POST or shown else None
    try:
        set_attendance(training, request.user, present, shown, was)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    return _("Attendance saved.")


def _add_attendance_by_code(request, training, form):
    found, codes, bad = parse_people(form.cleaned_data["people"], allowed_attendees(training, request.user))
    if bad or codes:
        form.add_error(
            "people", _("Not members of the training's branch: %(entries)s") % {"entries": ", ".join(bad + codes)}
        )
        return None
    try:
        add_attendance(training, request.user, found, form.cleaned_data["day"])
    except ValidationError as error:
        form.add_error("day", error)
        return None
    return _("Attendance saved.")


def _save_outsiders(request, training, form):
    outsiders = form.save(commit=False)
    outsiders.training = training
    outsiders.save()
    return _("Participants saved.")


def _save_score(request, training, form):
    score = form.save(commit=False)
    score.training, score.member = training, form.cleaned_data["member_code"]
    score.save()
    return _("Scores saved.")


def _save_partner(request, training, form):
    role = form.save(commit=False)
    role.training = training
    role.save()
    return _("Partner saved.")


# action sent -> (its form in the page's forms, or None; what saves it)
TRAINING_ACTIONS = {
    "partner": ("partner_form", _save_partner),
    "attendance": (None, _save_attendance),
    "codes": ("codes_form", _add_attendance_by_code),
    "outsiders": ("outsiders_form", _save_outsiders),
    "score": ("score_form", _save_score),
}


@login_required
@require_GET
def training_modules(request):
    """Every module, with its trainings and its pre/post scores across all of them that the
    user may read (a branch's training is read by its own branch and the secretariat)."""
    trainings = Training.objects.visible_to(request.user)
    scores = TrainingScore.objects.filter(training__in=trainings)
    modules = TrainingModule.objects.select_related("owner").annotate(
        trainings_n=Count("trainings", filter=Q(trainings__in=trainings), distinct=True),
    )
    averages = {
        row["training__module"]: row
        for row in scores.filter(training__module__isnull=False)
        .values("training__module")
        .annotate(pre_avg=Avg("pre"), post_avg=Avg("post"), gain=Avg(F("post") - F("pre")), n=Count("pk"))
    }
    rows = [(module, averages.get(module.pk)) for module in modules.order_by("title", "pk")]
    return render(
        request,
        "outreach/training_modules.html",
        {"rows": rows, "can_add": request.user.adds_trainings},
    )


@login_required
@role_required("adds_trainings")
@require_http_methods(["GET", "POST"])
def training_module_new(request):
    form = TrainingModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Module saved."))
        return redirect("training_modules")
    return render(request, "outreach/training_form.html", {"form": form, "title": _("New training module")})
