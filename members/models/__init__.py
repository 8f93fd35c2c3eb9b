from .branches import Branch, DropInCentre, Region
from .members import Gender, Member, MemberKind, MemberKindPeriod, WorkSetting
from .identity import MemberIdentity

__all__ = [
    "Branch",
    "DropInCentre",
    "Gender",
    "Member",
    "MemberIdentity",
    "MemberKind",
    "MemberKindPeriod",
    "Region",
    "WorkSetting",
]
