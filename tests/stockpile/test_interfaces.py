"""The stockpile through the API and the command line: same rules, same results."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from armstrace.core.services import save_record
from armstrace.stockpile.models import StockMovement, Stocktake, Transfer


def api_for(user):
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def test_api_movement_needs_second_person_token(custodian, custodian2, depot, component):
    _site, units = depot
    missile = component("9M32M 777")
    api = api_for(custodian)
    body = {"kind": "receipt", "date": "2012-01-01", "storage_unit": units["B1"].pk, "component": missile.pk,
            "quantity": "1"}
    refused = api.post("/api/movements/", json.dumps(body), content_type="application/json")
    assert refused.status_code == 400 and "second" in refused.content.decode()
    second_token = Token.objects.get_or_create(user=custodian2)[0].key
    ok = api.post("/api/movements/", json.dumps(body), content_type="application/json",
                  HTTP_X_SECOND_PERSON_TOKEN=second_token)
    assert ok.status_code == 201, ok.content
    assert StockMovement.objects.get().second_person == custodian2
    missile.refresh_from_db()
    assert missile.status == "in_stock"


def test_api_overview_holdings_count_and_transfer(custodian, focal, depot, other_site, registrar, make_weapon,
                                                  receive):
    site, units = depot
    south, south_unit = other_site
    for serial in ("API-A", "API-B"):
        receive(custodian, units["B1"], weapon=make_weapon(registrar, serial))
    api = api_for(custodian)
    overview = api.get("/api/stockpile/overview/").json()
    assert {s["name"] for s in overview["sites"]} == {"Depot North", "Depot South"}
    held = api.get(f"/api/stockpile/sites/{site.pk}/holdings/").json()
    assert sorted(w["serial"] for w in held["weapons"]) == ["API-A", "API-B"]
    assert api.get(f"/api/stockpile/sites/{site.pk}/holdings/", {"on": "2011-01-01"}).json()["weapons"] == []
    assert api.get(f"/api/stockpile/sites/{site.pk}/holdings/", {"on": "nonsense"}).status_code == 400
    st = save_record(Stocktake(site=site, storage_unit=units["B1"]), custodian)
    assert api.post(f"/api/stockpile/stocktakes/{st.pk}/start/").json()["status"] == "counting"
    scanned = api.post(f"/api/stockpile/stocktakes/{st.pk}/scan/", {"serial": "API-A"}).json()
    assert "result" not in scanned  # blind: the counter never sees what is expected
    closed = api.post(f"/api/stockpile/stocktakes/{st.pk}/close/").json()
    assert closed["status"] == "review" and closed["result"]["missing"][0][2] == "API-B"
    assert api_for(focal).post(f"/api/stockpile/stocktakes/{st.pk}/approve/", {"reason": "gone"}).status_code == 200
    sent = api.post("/api/stockpile/transfers/dispatch/", json.dumps(
        {"reference": "API-T", "from_unit": units["B1"].pk, "to_site": south.pk, "serials": ["API-A"]}),
        content_type="application/json")
    assert sent.status_code == 201, sent.content
    transfer = Transfer.objects.get(reference="API-T")
    line = transfer.lines.get()
    got = api.post(f"/api/stockpile/transfers/{transfer.pk}/receive/",
                   {"storage_unit": south_unit.pk, f"received_{line.pk}": "1"}).json()
    assert got["status"] == "received" and got["discrepancies"] == []


def test_other_state_cannot_use_the_stockpile_api(depot, make_user):
    site, _units = depot
    outsider = api_for(make_user("cust_b", "custodian", "B"))
    assert outsider.get(f"/api/stockpile/sites/{site.pk}/holdings/").status_code == 404
    assert outsider.get("/api/stockpile/overview/").json()["sites"] == []


def test_cli_move_count_and_overview(custodian, custodian2, focal, depot, registrar, make_weapon, capsys,
                                     monkeypatch, tmp_path, lot):
    site, units = depot
    make_weapon(registrar, "CLI-1")
    call_command("stock", "--user", custodian.username, "move", "receipt", "--unit", "Depot North/B1",
                 "--serial", "cli-1", "--date", "2012-02-02")
    assert "Recorded" in capsys.readouterr().out
    call_command("stock", "--user", custodian.username, "holdings", "Depot North", "--json")
    assert json.loads(capsys.readouterr().out)["weapons"][0]["serial"] == "CLI-1"
    with pytest.raises(CommandError, match="second authorised person"):
        call_command("stock", "--user", custodian.username, "move", "theft", "--unit", str(units["B1"].pk),
                     "--serial", "CLI-1")
    monkeypatch.setenv("ARMSTRACE_SECOND_PASSWORD", "Correct-Horse-Battery-9")
    call_command("stock", "--user", custodian.username, "move", "theft", "--unit", str(units["B1"].pk),
                 "--serial", "CLI-1", "--second-person", custodian2.username, "--reason", "break-in")
    from armstrace.registry.models import Weapon

    assert Weapon.objects.get(serial_number="CLI-1").status == "stolen"
    the_lot = lot(number="CLI-L", division="1.4", group="S", neq="0")
    call_command("stock", "--user", custodian.username, "move", "receipt", "--unit", str(units["B2"].pk),
                 "--lot", "CLI-L", "--quantity", "40")
    assert the_lot.quantity == Decimal(40)
    call_command("stock", "--user", focal.username, "overview")
    assert "Depot North" in capsys.readouterr().out


def test_manpads_store_access_needs_two_people(custodian, custodian2, depot):
    from django.utils import timezone

    _site, units = depot
    client = __import__("tests_support").login_client(custodian)
    form = {"storage_unit": units["B1"].pk, "entered_at": timezone.now().strftime("%Y-%m-%d %H:%M"),
            "purpose": "monthly inventory"}
    refused = client.post("/r/store-accesses/add/", form)
    assert refused.status_code == 200 and "second authorised person" in refused.content.decode()
    ok = client.post("/r/store-accesses/add/", {**form, "second_username": custodian2.username,
                                                 "second_password": "Correct-Horse-Battery-9"})
    assert ok.status_code == 302
    from armstrace.stockpile.models import StoreAccess

    assert StoreAccess.objects.get().second_person == custodian2


def test_in_transit_and_incompatible_warning(custodian, depot, other_site, registrar, make_weapon, receive, lot):
    _site, units = depot
    south, _unit = other_site
    receive(custodian, units["B1"], weapon=make_weapon(registrar, "IT-1"))
    api = api_for(custodian)
    api.post("/api/stockpile/transfers/dispatch/", {"reference": "IT", "from_unit": units["B1"].pk,
                                                    "to_site": south.pk, "serials": "IT-1"})
    transfer = Transfer.objects.get(reference="IT")
    assert api.post(f"/api/stockpile/transfers/{transfer.pk}/in-transit/").json()["status"] == "in_transit"
    assert api.post(f"/api/stockpile/transfers/{transfer.pk}/in-transit/").status_code == 400
    detonators = lot(number="DET-1", division="1.1", group="B", neq="0.001")
    receive(custodian, units["B3"], lot=detonators, quantity=Decimal(100))
    explosive = lot(number="PE-2", division="1.1", group="D", neq="1")
    movement = receive(custodian, units["B3"], lot=explosive, quantity=Decimal(10))
    assert movement.warnings and "B+D" in movement.warnings[0]
