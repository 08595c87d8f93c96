"""Holdings are the sum of the stock ledger; the rules that guard every movement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armstrace.core import ledger
from armstrace.stockpile.models import StockMovement
from armstrace.stockpile.services import balance, holdings, record_movement


def test_serialised_holdings_follow_movements_and_dates(custodian, depot, registrar, make_weapon, receive):
    site, units = depot
    weapon = make_weapon(registrar, "HOLD-1")
    receive(custodian, units["B1"], weapon=weapon, date=dt.date(2012, 1, 10))
    receive(custodian, units["B1"], kind="issue", weapon=weapon, date=dt.date(2012, 3, 1))
    assert weapon.pk in holdings(site=site, on=dt.date(2012, 2, 1)).weapons
    assert weapon.pk not in holdings(site=site).weapons
    weapon.refresh_from_db()
    assert weapon.status == "issued"


def test_an_item_cannot_be_issued_twice_or_received_twice(custodian, depot, registrar, make_weapon, receive):
    _site, units = depot
    weapon = make_weapon(registrar, "TWICE-1")
    receive(custodian, units["B1"], weapon=weapon)
    with pytest.raises(ValidationError, match="already held"):
        receive(custodian, units["B3"], weapon=weapon)
    with pytest.raises(ValidationError, match="Not held"):
        receive(custodian, units["B3"], kind="issue", weapon=weapon)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["receipt", "issue"]), st.integers(1, 50)), min_size=1, max_size=12))
def test_lot_holdings_equal_the_sum_and_never_go_negative(custodian, depot, lot, steps):
    _site, units = depot
    the_lot = lot(number=f"P-{abs(hash(tuple(steps))) % 10**9}", division="1.4", group="S", neq="0")
    expected = Decimal(0)
    for kind, qty in steps:
        movement = StockMovement(kind=kind, date=dt.date(2012, 1, 1), storage_unit=units["B2"], lot=the_lot,
                                 quantity=Decimal(qty))
        if kind == "issue" and qty > expected:
            with pytest.raises(ValidationError):
                record_movement(movement, custodian)
            continue
        record_movement(movement, custodian)
        expected += qty if kind == "receipt" else -qty
        assert expected >= 0
    assert balance("lot", the_lot.pk, unit=units["B2"]) == expected
    assert the_lot.quantity == expected  # the register's total follows the stock ledger


def test_correction_is_a_reversal_with_a_reason(custodian, depot, lot):
    _site, units = depot
    the_lot = lot(division="1.4", group="S", neq="0")
    wrong = record_movement(StockMovement(kind="receipt", date=dt.date(2012, 1, 1), storage_unit=units["B2"],
                                          lot=the_lot, quantity=Decimal(100)), custodian)
    with pytest.raises(ValidationError, match="reason"):
        record_movement(StockMovement(kind="reversal", date=dt.date(2012, 1, 2), storage_unit=units["B2"],
                                      lot=the_lot, reverses=wrong), custodian)
    record_movement(StockMovement(kind="reversal", date=dt.date(2012, 1, 2), storage_unit=units["B2"], lot=the_lot,
                                  reverses=wrong, reason="typed 100 for 10"), custodian)
    assert balance("lot", the_lot.pk, unit=units["B2"]) == 0
    assert StockMovement.objects.count() == 2  # nothing edited, nothing deleted


def test_two_person_rule(custodian, custodian2, depot, component, make_user, receive):
    _site, units = depot
    missile = component("9M32M 00001")
    with pytest.raises(ValidationError, match="second authorised person"):
        receive(custodian, units["B1"], component=missile)
    with pytest.raises(ValidationError, match="someone other"):
        receive(custodian, units["B1"], second=custodian, component=missile)
    auditor = make_user("aud_x", "auditor", "A")
    with pytest.raises(ValidationError, match="not authorised"):
        receive(custodian, units["B1"], second=auditor, component=missile)
    foreign = make_user("cust_b", "custodian", "B")
    with pytest.raises(ValidationError, match="not authorised"):
        receive(custodian, units["B1"], second=foreign, component=missile)
    movement = receive(custodian, units["B1"], second=custodian2, component=missile)
    entry = ledger.history(movement).first()
    assert entry.username == custodian.username and entry.after["second_person_id"] == custodian2.pk


def test_destroyed_item_never_reenters_stock(custodian, custodian2, depot, registrar, make_weapon, receive):
    _site, units = depot
    weapon = make_weapon(registrar, "DEST-1")
    receive(custodian, units["B1"], weapon=weapon)
    receive(custodian, units["B1"], kind="destruction", second=custodian2, weapon=weapon, date=dt.date(2012, 2, 1))
    weapon.refresh_from_db()
    assert weapon.status == "destroyed"
    with pytest.raises(ValidationError, match="destroyed"):
        receive(custodian, units["B1"], weapon=weapon, date=dt.date(2012, 3, 1))


def test_suspended_lot_cannot_be_issued_and_neq_licence_is_enforced(custodian, depot, lot, receive):
    _site, units = depot
    suspended = lot(number="S-1", division="1.4", group="S", neq="0", condition="suspended")
    receive(custodian, units["B1"], lot=suspended, quantity=Decimal(10))
    with pytest.raises(ValidationError, match="suspended"):
        receive(custodian, units["B1"], kind="issue", lot=suspended, quantity=Decimal(1))
    explosive = lot(number="PE-1", division="1.1", group="D", neq="1")
    receive(custodian, units["B1"], lot=explosive, quantity=Decimal(900))
    with pytest.raises(ValidationError, match="licensed for 1000"):
        receive(custodian, units["B1"], lot=explosive, quantity=Decimal(200))
    with pytest.raises(ValidationError, match="licensed for 0"):
        receive(custodian, units["B2"], lot=explosive, quantity=Decimal(1))


def test_ledger_verifies_after_stock_work(custodian, custodian2, depot, registrar, make_weapon, receive):
    _site, units = depot
    weapon = make_weapon(registrar, "VER-1")
    receive(custodian, units["B1"], weapon=weapon)
    receive(custodian, units["B1"], kind="theft", second=custodian2, weapon=weapon)
    assert ledger.verify().ok
