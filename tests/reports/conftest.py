import datetime

import pytest

from members.registration import change_kind, member_leaves
from tests.factories import MemberFactory

D = datetime.date


@pytest.fixture
def report_data(jakarta, bali, ayu):
    """A dataset small enough to count by hand (year 2025, previous year 2024).

    Jakarta: Mawar (regular, woman, joined 2024), Melati (regular -> former on
    2025-06-01, waria), Dahlia (regular, woman, joined 2025-03-10, peer educator),
    Lili (joined 2024, left 2025-12-31: still a member on the last day? no, left
    counts from that day on). Bali: Kamboja (honorary, man, joined 2025-12-31).
    """
    MemberFactory(branch=jakarta, alias="Mawar", gender="woman", joined_on=D(2024, 2, 1))
    melati = MemberFactory(branch=jakarta, alias="Melati", gender="waria", joined_on=D(2024, 5, 1))
    change_kind(melati, "former", D(2025, 6, 1), ayu)
    MemberFactory(branch=jakarta, alias="Dahlia", gender="woman", joined_on=D(2025, 3, 10), peer_educator=True)
    lili = MemberFactory(branch=jakarta, alias="Lili", gender="woman", joined_on=D(2024, 1, 1))
    member_leaves(lili, D(2025, 12, 31))
    MemberFactory(
        branch=bali, alias="Kamboja", gender="man", kind="honorary", work_setting="", joined_on=D(2025, 12, 31)
    )
    return {"jakarta": jakarta, "bali": bali}
