"""Transfers, counts, MANPADS control, safety, assessments and destruction, end to end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from armstrace.core.services import save_record
from armstrace.identify.service import service as marking
from armstrace.stockpile import workflows
from armstrace.stockpile.models import Destruction, Exposure, Stocktake, Transfer
from armstrace.stockpile.services import holdings, stocktakes
from armstrace.stockpile.services.oversight import national_picture, site_safety
from tests_support import login_client


def test_transfer_with_a_missing_item_ends_as_a_loss(custodian, depot, other_site, registrar, make_weapon, receive):
    _site, units = depot
    south, south_unit = other_site
    weapons = [make_weapon(registrar, f"TR-{i}") for i in range(3)]
    for w in weapons:
        receive(custodian, units["B1"], weapon=w)
    transfer = workflows.dispatch_from_form({"reference": "T-1", "from_unit": units["B1"].pk, "to_site": south.pk,
                                             "serials": "TR-0\nTR 1\ntr-2", "dispatched_on": "2012-04-01"}, custodian)
    assert not holdings(unit=units["B1"]).weapons
    lines = {line.weapon.serial_number: line for line in transfer.lines.all()}
    discrepancies = workflows.receive_from_form(transfer, {
        "storage_unit": south_unit.pk, "received_on": "2012-04-03",
        f"received_{lines['TR-0'].pk}": "1", f"received_{lines['TR-1'].pk}": "1", f"received_{lines['TR-2'].pk}": "0",
    }, custodian)
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DISCREPANCY and len(discrepancies) == 1
    assert set(holdings(unit=south_unit).weapons) == {weapons[0].pk, weapons[1].pk}
    workflows.resolve(discrepancies[0], "loss", "not in the truck on arrival", custodian)
    weapons[2].refresh_from_db()
    assert weapons[2].status == "lost"


def test_transfer_refuses_items_not_held(custodian, depot, other_site):
    _site, units = depot
    south, _unit = other_site
    with pytest.raises(ValidationError, match="Not held"):
        workflows.dispatch_from_form({"reference": "T-2", "from_unit": units["B1"].pk, "to_site": south.pk,
                                      "serials": "NOPE-1"}, custodian)


@pytest.fixture
def counted_site(custodian, depot, registrar, make_weapon, receive):
    _site, units = depot
    weapons = [make_weapon(registrar, f"CNT-{i:03d}") for i in range(5)]
    for w in weapons:
        receive(custodian, units["B3"], weapon=w)
    return units["B3"], weapons


def test_blind_count_with_a_shortfall_becomes_a_loss_the_marking_search_reports(
        counted_site, custodian, focal, make_weapon, registrar, receive):
    unit, weapons = counted_site
    st = save_record(Stocktake(site=unit.site, storage_unit=unit, kind="full", blind=True), custodian)
    stocktakes.start(st, custodian)
    with pytest.raises(ValidationError, match="count is in progress"):
        receive(custodian, unit, weapon=make_weapon(registrar, "LATE-1"))
    for w in weapons[:4]:
        assert stocktakes.scan(st, w.serial_number.lower(), custodian) == ""
    assert "already scanned" in stocktakes.scan(st, weapons[0].serial_number, custodian)
    stocktakes.scan(st, "STRANGER-9", custodian)
    stocktakes.close(st, custodian)
    assert st.status == Stocktake.Status.REVIEW
    assert [m[2] for m in st.result["missing"]] == ["CNT-004"]
    assert st.result["unexpected"][0]["raw"] == "STRANGER-9" and st.result["investigation"]
    with pytest.raises(PermissionDenied):
        stocktakes.approve(st, custodian, "I counted it myself")
    stocktakes.approve(st, focal, "searched the building twice")
    weapons[4].refresh_from_db()
    assert weapons[4].status == "lost"
    marking.reset()
    hit = marking.search(focal, "CNT-OO4")[0]
    assert hit.record.pk == weapons[4].pk and hit.reported_missing_by["by"] == focal.username
    assert weapons[4].pk not in holdings(unit=unit).weapons


def test_clean_count_is_approved_at_once(counted_site, custodian):
    unit, weapons = counted_site
    st = save_record(Stocktake(site=unit.site, storage_unit=unit), custodian)
    stocktakes.start(st, custodian)
    for w in weapons:
        stocktakes.scan(st, w.serial_number, custodian)
    stocktakes.close(st, custodian)
    assert st.status == Stocktake.Status.APPROVED and st.result["found"] == 5


def test_manpads_colocation_and_overdue_inventory(custodian, custodian2, depot, component, receive):
    site, units = depot
    receive(custodian, units["B1"], second=custodian2, component=component("9M32M 1"))
    receive(custodian, units["B1"], second=custodian2, component=component("9P58M 1", kind="gripstock"))
    picture = national_picture([site])[0]
    assert picture.colocated_units == ["B1"] and picture.status == "alert"
    assert picture.inventory_overdue and picture.accounted == 1
    assert any("same building" in a for a in picture.alerts)


def test_quantity_distance_flags_exposures(custodian, depot, lot, admin_a, receive):
    site, units = depot
    explosive = lot(number="PE-9", division="1.1", group="D", neq="1")
    receive(custodian, units["B3"], lot=explosive, quantity=Decimal(10000))
    lat, lon = float(site.latitude), float(site.longitude)
    save_record(Exposure(name="School", kind="vulnerable_building", latitude=Decimal(str(round(lat + 0.004, 6))),
                         longitude=Decimal(str(lon))), admin_a)  # ~445 m away: inside 44.4 × 21.5 = 957 m
    save_record(Exposure(name="Far farm", kind="inhabited_building", latitude=Decimal(str(round(lat + 0.02, 6))),
                         longitude=Decimal(str(lon))), admin_a)  # ~2.2 km: outside
    b3 = next(r for r in site_safety(site) if r.unit.name == "B3")
    assert round(b3.circles["inhabited_building"]) == 478
    assert [v.exposure.name for v in b3.violations] == ["School"]


def test_security_assessment_level(depot, admin_a):
    from armstrace.safety.rrpl import DEFAULT_QUESTIONS

    site, _units = depot
    everything = {f"q_{q.code}": "on" for q in DEFAULT_QUESTIONS}
    assert workflows.assess_from_form(site, {**everything, "date": "2012-05-01"}, admin_a).level == 3
    critical_1 = next(q.code for q in DEFAULT_QUESTIONS if q.level == 1 and q.critical)
    partial = {k: v for k, v in everything.items() if k != f"q_{critical_1}"}
    assert workflows.assess_from_form(site, {**partial, "date": "2012-06-01"}, admin_a).level == 0


def test_destruction_with_witnesses_and_certificate(custodian, custodian2, admin_a, depot, registrar, make_weapon,
                                                    receive):
    site, units = depot
    weapon = make_weapon(registrar, "SCRAP-1")
    receive(custodian, units["B1"], weapon=weapon)
    with pytest.raises(ValidationError, match="two different witnesses"):
        save_record(Destruction(certificate_number="C-1", site=site, method="cutting", date=dt.date(2012, 7, 1),
                                place="Depot yard", witnesses="Only one"), admin_a)
    event = save_record(Destruction(certificate_number="C-1", site=site, method="cutting", date=dt.date(2012, 7, 1),
                                    place="Depot yard", witnesses="Col. A (MoD)\nMs B (UNMAS)"), admin_a)
    workflows.destruction_action(event, {"action": "add", "storage_unit": units["B1"].pk, "serials": "SCRAP-1"},
                                 admin_a)
    with pytest.raises(ValidationError, match="second authorised person"):
        workflows.destruction_action(event, {"action": "complete"}, admin_a)
    workflows.destruction_action(event, {"action": "complete", "second_username": custodian2.username,
                                         "second_password": "Correct-Horse-Battery-9"}, admin_a)
    weapon.refresh_from_db()
    event.refresh_from_db()
    assert weapon.status == "destroyed" and event.completed and event.serials_before == event.serials_after
    page = login_client(admin_a).get(f"/stockpile/destructions/{event.pk}/certificate/").content.decode()
    assert "C-1" in page and "Ms B (UNMAS)" in page and "SCRAP-1" in page


def test_pages_render(custodian, depot, counted_site, focal):
    site, _units = depot
    client = login_client(focal)
    for url in ["/stockpile/", f"/stockpile/sites/{site.pk}/holdings/?on=2012-01-01",
                f"/stockpile/sites/{site.pk}/safety/", f"/stockpile/sites/{site.pk}/assessment/",
                "/stockpile/transfers/dispatch/", "/r/sites/", f"/r/sites/{site.pk}/", "/r/movements/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Depot North" in client.get("/stockpile/").content.decode()


def test_site_wide_count_of_lots_in_several_units(custodian, focal, depot, lot, receive):
    site, units = depot
    ball = lot(number="BALL-7", division="1.4", group="S", neq="0")
    receive(custodian, units["B1"], lot=ball, quantity=Decimal(300))
    receive(custodian, units["B2"], lot=ball, quantity=Decimal(200))
    st = save_record(Stocktake(site=site), custodian)  # the whole site
    stocktakes.start(st, custodian)
    stocktakes.scan(st, "ball-7", custodian, quantity=Decimal(480), is_lot=True)
    stocktakes.close(st, custodian)
    assert st.status == Stocktake.Status.REVIEW
    assert st.result["lots"] == [{"key": "BALL7", "expected": "500", "counted": "480", "difference": "-20"}]
    stocktakes.approve(st, focal, "twenty rounds unaccounted for")
    total = sum(holdings(site=site).lots.values())
    assert total == Decimal(480) and ball.quantity == Decimal(480)
