from .health import HealthCare, HivResult, HivResultKind, Prep, reads_hiv_results
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
    "HealthCare",
    "HivResult",
    "HivResultKind",
    "PaperworkCase",
    "Prep",
    "Referral",
    "ReferralOutcome",
    "STEP_ORDER",
    "ServiceType",
    "Step",
    "StockMovement",
    "Visit",
    "VisitService",
    "reads_hiv_results",
]
