from .sessions import OutreachCommodity, OutreachContact, OutreachSession, PlaceKind, SessionTopic, Topic
from .trainings import (
    OUTSIDE_AUDIENCES,
    Audience,
    OutsideParticipants,
    Training,
    TrainingAttendance,
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
    "PlaceKind",
    "SessionTopic",
    "Topic",
    "Training",
    "TrainingAttendance",
    "TrainingScore",
    "TrainingTopic",
]
