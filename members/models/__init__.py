from .members import Gender, Member, MemberKind, MemberKindPeriod, WorkSetting
from .identity import MemberIdentity
from .history import MemberMove, PeerEducatorChange
from .imports import ImportClaim
from .consent import GIVEN_AT_REGISTRATION, Consent, ConsentPurpose

__all__ = [
    "Consent",
    "ConsentPurpose",
    "GIVEN_AT_REGISTRATION",
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
