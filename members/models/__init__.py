from .members import Gender, Member, MemberKind, MemberKindPeriod, WorkSetting
from .identity import MemberIdentity
from .history import MemberMove, PeerEducatorChange

__all__ = [
    "Gender",
    "Member",
    "MemberIdentity",
    "MemberKind",
    "MemberKindPeriod",
    "MemberMove",
    "PeerEducatorChange",
    "WorkSetting",
]
