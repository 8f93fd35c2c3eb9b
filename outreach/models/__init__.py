from .sessions import OutreachCommodity, OutreachContact, OutreachSession, PlaceKind, SessionTopic, Topic
from .trainings import (
    OUTSIDE_AUDIENCES,
    Audience,
    OutsideParticipants,
    PartnerRole,
    Training,
    TrainingAttendance,
    TrainingModule,
    TrainingPartner,
    TrainingScore,
    TrainingTopic,
)

__all__ = [
    "OUTSIDE_AUDIENCES",
    "Audience",
    "OutreachCommodity",
    "OutreachContact",
    "OutreachSession",
    "OutsideParticipants",
    "PartnerRole",
    "PlaceKind",
    "SessionTopic",
    "Topic",
    "Training",
    "TrainingAttendance",
    "TrainingModule",
    "TrainingPartner",
    "TrainingScore",
    "TrainingTopic",
]
