"""A year of synthetic outreach sessions and trainings (no real people)."""

import datetime
import random
import uuid

from django.utils import timezone

from services.models import Commodity

from .models import (
    Audience,
    OutreachCommodity,
    OutreachContact,
    OutreachSession,
    OutsideParticipants,
    PlaceKind,
    SessionTopic,
    Topic,
    Training,
    TrainingAttendance,
    TrainingScore,
    TrainingTopic,
)


def seed(context, sessions_per_branch=40):
    rng = random.Random(5)
    today = timezone.localdate()
    items = list(Commodity.objects.all())
    members = context.get("members", [])
    users = context["users"]
    for branch in context["branches"].values():
        branch_members = [m for m in members if m.branch_id == branch.pk]
        workers = [u for u in users.values() if branch in u.branches.all()]
        sessions = [
            OutreachSession(
                branch=branch,
                held_on=today - datetime.timedelta(days=rng.randint(0, 364)),
                place_kind=rng.choice(PlaceKind.values),
                area=rng.choice(["Kota", "Pelabuhan", "Pasar", "Terminal"]),
                new_contacts=rng.randint(0, 12),
                repeat_contacts=rng.randint(0, 20),
                stock_centre=branch.drop_in_centres.first(),
                submission_key=uuid.uuid4(),
            )
            for _ in range(sessions_per_branch)
        ]
        OutreachSession.objects.bulk_create(sessions)
        SessionTopic.objects.bulk_create(
            SessionTopic(session=s, topic=t) for s in sessions for t in rng.sample(Topic.values, 2)
        )
        OutreachContact.objects.bulk_create(
            OutreachContact(session=s, member=m, uic=m.uic)
            for s in sessions
            for m in rng.sample(branch_members, min(3, len(branch_members)))
        )
        OutreachCommodity.objects.bulk_create(
            OutreachCommodity(session=s, commodity=item, quantity=rng.choice([20, 50, 100]))
            for s in sessions
            for item in items[:2]
        )
        peer_educators = [m for m in branch_members if m.peer_educator]
        for session in sessions:
            session.workers.set(workers[:1])
            if peer_educators:
                session.peer_educators.set(rng.sample(peer_educators, 1))
        for n in range(4):
            start = today - datetime.timedelta(days=rng.randint(10, 350))
            audience = Audience.MEMBERS if n % 2 == 0 else rng.choice(Audience.values[1:])
            training = Training.objects.create(
                title=f"Pelatihan {TrainingTopic(rng.choice(TrainingTopic.values)).label}",
                topic=rng.choice(TrainingTopic.values),
                audience=audience,
                branch=branch,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=rng.randint(0, 2)),
                facilitators="Tim OPSI",
                partners=rng.choice(["", "PKBI", "Mitra pengurangan dampak buruk"]),
            )
            if audience == Audience.MEMBERS:
                attendees = rng.sample(branch_members, min(8, len(branch_members)))
                TrainingAttendance.objects.bulk_create(
                    TrainingAttendance(training=training, member=m, day=d) for m in attendees for d in training.days
                )
                TrainingScore.objects.bulk_create(
                    TrainingScore(training=training, member=m, pre=rng.randint(30, 60), post=rng.randint(55, 95))
                    for m in attendees
                )
            else:
                for gender in ("woman", "man"):
                    OutsideParticipants.objects.create(training=training, gender=gender, count=rng.randint(3, 12))
