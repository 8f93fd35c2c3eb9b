import datetime

import pytest

from partners.models import Partner, PartnerLocation, PartnerService, ServiceKind


def add_service(partner, branch, kind, name, area="", **extra):
    place = PartnerLocation.objects.create(partner=partner, branch=branch, name=f"{name} place", area=area)
    service = PartnerService.objects.create(
        partner=partner, kind=kind, name=name, last_checked_on=datetime.date(2026, 11, 1), **extra
    )
    service.locations.add(place)
    return service


@pytest.fixture
def karisma(jakarta):
    """A harm-reduction partner of Jakarta, kept by ayu."""
    return Partner.objects.create(name="Karisma", branch=jakarta)


@pytest.fixture
def bali_partner(bali):
    return Partner.objects.create(name="Yayasan Dua Hati", branch=bali)


@pytest.fixture
def national_partner(db):
    return Partner.objects.create(name="PKNI")


@pytest.fixture
def methadone(karisma, jakarta):
    return add_service(
        karisma,
        jakarta,
        ServiceKind.METHADONE,
        "PTRM Puskesmas Tanjung Priok",
        area="Jakarta Utara",
        hours="Mon-Sat 08:00-12:00",
        cost="Free with BPJS",
        what_to_bring="KTP",
        welcomes_drug_users=True,
    )


@pytest.fixture
def bali_needles(bali_partner, bali):
    return add_service(bali_partner, bali, ServiceKind.NEEDLE_SYRINGE, "LASS Denpasar", area="Denpasar")
