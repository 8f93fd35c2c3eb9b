"""Keeping the HIV and STI care given at a visit or learnt from a referral's outcome."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import HealthCare, HivResult, HivResultKind

NO_TEST = ""


@dataclass(frozen=True)
class Care:
    """What the form says was done: ``hiv_test`` is "" (no test) or the result of the test done
    (``HivResultKind``: a result chosen means a test was done, "not given" included)."""

    hiv_test: str = NO_TEST
    art_started_on: object = None
    sti_treated: bool = False
    prep: str = ""

    def __bool__(self):
        return bool(self.hiv_test or self.sti_treated or self.prep)


def check(care, on):
    """The reasons ``care`` given on ``on`` cannot be kept, as {field: message}."""
    errors = {}
    if care.art_started_on is not None:
        if care.hiv_test != HivResultKind.REACTIVE:
            errors["art_started_on"] = _("Treatment (ART) is recorded after a reactive result only.")
        elif on is not None and care.art_started_on < on:
            errors["art_started_on"] = _("Treatment cannot start before the test.")
    return errors


def keep_care(care, *, branch, on, by, visit=None, referral=None):
    """Keep ``care`` (a ``Care``) for a visit or a referral; nothing when nothing was done.

    Called inside the transaction that saves the visit or the outcome, so that both are kept or
    neither."""
    if not care:
        return None
    errors = check(care, on)
    if errors:
        raise ValidationError(errors)
    if care.art_started_on is not None:
        branch.refuse_future(care.art_started_on)
    record = HealthCare.objects.create(
        branch=branch,
        visit=visit,
        referral=referral,
        given_on=on,
        hiv_tested=bool(care.hiv_test),
        sti_treated=care.sti_treated,
        prep=care.prep,
        recorded_by=by,
    )
    if care.hiv_test:
        HivResult.objects.create(
            care=record,
            result=care.hiv_test,
            art_started_on=care.art_started_on,
            art_recorded_at=timezone.now() if care.art_started_on else None,
        )
    return record


def record_art_start(result, on):
    """Treatment (ART) began on ``on`` after the reactive ``result``, learnt after the test."""
    if result.result != HivResultKind.REACTIVE:
        raise ValidationError(_("Treatment (ART) is recorded after a reactive result only."))
    if on < result.care.given_on:
        raise ValidationError(_("Treatment cannot start before the test."))
    result.care.branch.refuse_future(on)
    result.art_started_on, result.art_recorded_at = on, timezone.now()
    result.save(update_fields=["art_started_on", "art_recorded_at"])
    return result
