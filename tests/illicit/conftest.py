import datetime as dt
from decimal import Decimal

import pytest

from armstrace.core.services import save_record


@pytest.fixture
def investigator(make_user):
    return make_user("inv_a", "investigator", "A")


@pytest.fixture
def police(states):
    from armstrace.core.models import Organisation

    return Organisation.objects.create(name="Police A", country_id="LBY")


@pytest.fixture
def seizure(investigator):
    from armstrace.illicit.models import Seizure

    def make(reference="S-1", date=dt.date(2012, 6, 12), **fields):
        values = {"recovery": "seized", "place": "Arlit road", "legal_context": "illicit_trafficking",
                  "criminal_context": "terrorism", "latitude": Decimal("18.7"), "longitude": Decimal("7.3"),
                  **fields}
        return save_record(Seizure(reference=reference, date=date, **values), investigator)

    return make


@pytest.fixture
def seized(investigator):
    from armstrace.illicit.models import SeizedItem

    def make(seizure, serial="", category="weapon", **fields):
        return save_record(SeizedItem(seizure=seizure, category=category, serial_as_read=serial, **fields),
                           investigator)

    return make
