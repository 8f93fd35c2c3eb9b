from .members import Gender, Member, MemberKind, MemberKindPeriod, WorkSetting
from .identity import MemberIdentity
from .history import MemberMove, PeerEducatorChange
from .imports import ImportClaim

__all__ = [
    "Gender",
    "ImportClaim",
    "Member",
    "MemberIdentity",
    "MemberKind",
    "MemberKindPeriod",
    "MemberMove",
    "PeerEducatorChange",
    "WorkSetting",
]
