import datetime as dt
from decimal import Decimal

import pytest

from armstrace.core.services import save_record


@pytest.fixture
def custodian(make_user):
    return make_user("cust_a", "custodian", "A")


@pytest.fixture
def custodian2(make_user):
    return make_user("cust_a2", "custodian", "A")


@pytest.fixture
def focal(make_user):
    return make_user("focal_a", "focal_point", "A")


@pytest.fixture
def admin_a(make_user):
    return make_user("admin_a", "administrator", "A")


@pytest.fixture
def depot(admin_a):
    from armstrace.stockpile.models import Site, StorageUnit

    site = save_record(Site(name="Depot North", latitude=Decimal("32.9"), longitude=Decimal("13.2"), region="West",
                            estimated_manpads=10), admin_a)
    units = {name: save_record(StorageUnit(site=site, name=name, licensed_neq_kg=Decimal(limit)), admin_a)
             for name, limit in (("B1", "1000"), ("B2", "0"), ("B3", "20000"))}
    return site, units


@pytest.fixture
def other_site(admin_a):
    from armstrace.stockpile.models import Site, StorageUnit

    site = save_record(Site(name="Depot South", latitude=Decimal("27.0"), longitude=Decimal("14.4")), admin_a)
    return site, save_record(StorageUnit(site=site, name="S1"), admin_a)


@pytest.fixture
def receive():
    from armstrace.stockpile.models import StockMovement
    from armstrace.stockpile.services import record_movement

    def do(user, unit, second=None, kind="receipt", date=dt.date(2012, 1, 10), **item):
        return record_movement(StockMovement(kind=kind, date=date, storage_unit=unit, **item), user,
                               second_person=second)

    return do


@pytest.fixture
def lot(registrar):
    from armstrace.registry.models import AmmunitionLot

    def make(number="L-1", division="1.1", group="D", neq="1", condition="serviceable"):
        return save_record(AmmunitionLot(description="test", lot_number=number, hazard_division=division,
                                         compatibility_group=group, neq_per_unit_kg=Decimal(neq), unit="kg",
                                         condition=condition), registrar)

    return make


@pytest.fixture
def component(registrar, catalogue):
    from armstrace.registry.models import ManpadsComponent

    def make(serial, kind="missile"):
        return save_record(ManpadsComponent(component=kind, serial_number=serial, model=catalogue["sa7"]), registrar)

    return make
