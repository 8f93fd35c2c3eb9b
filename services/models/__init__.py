from .referrals import FacilityKind, Referral, ReferralOutcome
from .stock import Commodity, StockMovement

__all__ = ["Commodity", "FacilityKind", "Referral", "ReferralOutcome", "StockMovement"]
