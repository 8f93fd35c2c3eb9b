from .branches import Branch, DropInCentre, Region
from .members import Gender, Member, MemberKind, MemberKindPeriod, WorkSetting
from .identity import MemberIdentity
from .history import MemberMove, PeerEducatorChange

__all__ = [
    "Branch",
    "DropInCentre",
    "Gender",
    "Member",
    "MemberIdentity",
    "MemberKind",
    "MemberKindPeriod",
    "MemberMove",
    "PeerEducatorChange",
    "Region",
    "WorkSetting",
]
