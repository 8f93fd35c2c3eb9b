from .paperwork import CLOSED_STEPS, STEP_ORDER, Barrier, CaseStep, Document, PaperworkCase, Step
from .referrals import FacilityKind, Referral, ReferralOutcome
from .stock import Commodity, StockMovement
from .visits import ServiceType, Visit, VisitService

__all__ = [
    "Barrier",
    "CLOSED_STEPS",
    "CaseStep",
    "Commodity",
    "Document",
    "FacilityKind",
    "PaperworkCase",
    "Referral",
    "ReferralOutcome",
    "STEP_ORDER",
    "ServiceType",
    "Step",
    "StockMovement",
    "Visit",
    "VisitService",
]
