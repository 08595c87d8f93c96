"""Register rules through the shared write path: events drive status; lots validate hazard codes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from armstrace.core.services import save_record
from armstrace.registry.models import AmmunitionLot, LotTransaction


def test_destroyed_weapon_cannot_be_issued(registrar, make_weapon, add_event):
    weapon = make_weapon(registrar)
    add_event(registrar, weapon, "registered", dt.date(2012, 1, 1))
    add_event(registrar, weapon, "destroyed", dt.date(2012, 2, 1))
    with pytest.raises(ValidationError) as err:
        add_event(registrar, weapon, "issued", dt.date(2012, 3, 1))
    assert "cannot follow" in str(err.value)
    weapon.refresh_from_db()
    assert weapon.status == "destroyed" and weapon.events.count() == 2


def test_back_dated_event_is_checked_against_the_whole_history(registrar, make_weapon, add_event):
    weapon = make_weapon(registrar)
    add_event(registrar, weapon, "registered", dt.date(2012, 1, 1))
    add_event(registrar, weapon, "destroyed", dt.date(2012, 6, 1))
    add_event(registrar, weapon, "issued", dt.date(2012, 3, 1), holder_person="Cpl. A")  # before destruction: fine
    weapon.refresh_from_db()
    assert weapon.status == "destroyed"


def test_holder_follows_events(registrar, make_weapon, add_event, states):
    weapon = make_weapon(registrar)
    add_event(registrar, weapon, "registered", holder_org=states["A_site"])
    weapon.refresh_from_db()
    assert weapon.holder_org == states["A_site"] and weapon.status == "in_stock"


def test_same_serial_same_model_is_flagged(registrar, make_weapon):
    first = make_weapon(registrar, "123-456")
    second = make_weapon(registrar, "123 456")
    first.refresh_from_db()
    assert first.possible_duplicate and second.possible_duplicate


def test_same_serial_other_maker_is_not_flagged(registrar, make_weapon, catalogue):
    make_weapon(registrar, "777")
    other = make_weapon(registrar, "777", manufacturer=None, manufacturer_as_marked="Unknown")
    assert not other.possible_duplicate


def _lot(user, **fields):
    values = {"description": "7.62×39 ball", "lot_number": "LOT-1", "hazard_division": "1.4",
              "compatibility_group": "S", "neq_per_unit_kg": Decimal("0.0016"), **fields}
    return save_record(AmmunitionLot(**values), user)


def test_illegal_hazard_code_is_refused(registrar):
    with pytest.raises(ValidationError) as err:
        _lot(registrar, hazard_division="1.5", compatibility_group="S")
    assert "1.5S is not a legal hazard code" in str(err.value)


def test_lot_quantity_is_the_sum_of_transactions(registrar):
    lot = _lot(registrar)
    save_record(LotTransaction(lot=lot, kind="received", quantity=Decimal(1000), date=dt.date(2012, 1, 1)), registrar)
    save_record(LotTransaction(lot=lot, kind="issued", quantity=Decimal(300), date=dt.date(2012, 2, 1)), registrar)
    assert lot.quantity == Decimal(700)
    with pytest.raises(ValidationError, match="Only 700"):
        save_record(LotTransaction(lot=lot, kind="issued", quantity=Decimal(701), date=dt.date(2012, 3, 1)), registrar)


def test_suspended_lot_cannot_be_issued(registrar):
    lot = _lot(registrar, condition="suspended")
    save_record(LotTransaction(lot=lot, kind="received", quantity=Decimal(10), date=dt.date(2012, 1, 1)), registrar)
    with pytest.raises(ValidationError, match="suspended"):
        save_record(LotTransaction(lot=lot, kind="issued", quantity=Decimal(1), date=dt.date(2012, 2, 1)), registrar)
