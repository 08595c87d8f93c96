"""Seizures matched to the register, owners notified, tracing requests from draft to answer and exchange."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from armstrace.identify.service import service as marking
from armstrace.illicit import services
from armstrace.illicit.models import Notification, SeizedItem, TracingRequest
from tests_support import login_client


@pytest.fixture(autouse=True)
def fresh_index():
    marking.reset()
    yield
    marking.reset()


def test_seized_weapon_is_looked_up_and_a_stolen_match_notifies_its_owner(
        investigator, registrar, make_weapon, add_event, seizure, seized):
    weapon = make_weapon(registrar, "ЛТ 19850042")
    add_event(registrar, weapon, "registered", dt.date(2012, 1, 1))
    add_event(registrar, weapon, "reported_stolen", dt.date(2012, 3, 1))
    item = seized(seizure(), "LT 1985OO42", weapon_type="assault_rifle")
    found = services.candidates(item, investigator)
    assert found[0].record.pk == weapon.pk
    client = login_client(investigator)
    page = client.get(f"/illicit/items/{item.pk}/match/").content.decode()
    assert "ЛТ 19850042" in page and "Stolen" in page
    client.post(f"/illicit/items/{item.pk}/match/", {"type": "weapons", "record": weapon.pk})
    item.refresh_from_db()
    weapon.refresh_from_db()
    assert item.match_status == "confirmed" and item.matched_weapon == weapon
    assert item.diversion_established and "stolen" in item.diversion_how.lower()
    assert weapon.status == "recovered"
    note = Notification.objects.get()
    assert note.recipient_id == registrar.organisation_id and "S-1" in note.message
    assert Notification.objects.visible_to(registrar).count() == 1


def test_new_item_form_goes_to_the_candidates(investigator, seizure):
    s = seizure()
    response = login_client(investigator).post("/r/seized-items/add/", {
        "seizure": s.pk, "category": "weapon", "serial_as_read": "X-1", "quantity": "1"})
    assert response.status_code == 302 and "/match/" in response["Location"]


def test_rejecting_candidates_needs_a_reason(investigator, seizure, seized):
    item = seized(seizure(), "NOPE-1")
    with pytest.raises(ValidationError):
        services.reject_candidates(item, investigator, "")
    services.reject_candidates(item, investigator, "different model")
    assert SeizedItem.objects.get(pk=item.pk).match_status == "rejected"


def test_convoy_quantities(investigator, seizure, seized):
    convoy = seizure("NER-2011-06", recovery="seized", cash_usd="90000")
    seized(convoy, category="explosive", description="Semtex", mass_kg="640", quantity="0")
    seized(convoy, category="ied_component", description="Detonators", quantity="435")
    from armstrace.illicit.models import Seizure
    from armstrace.illicit.statistics import tables

    data = tables(Seizure.objects.all(), SeizedItem.objects.all())
    assert data["explosives_kg"] == 640.0
    assert any(r["category"] == "ied_component" and r["quantity"] == 435 for r in data["items_by_type"])


def test_tracing_request_life_cycle_with_deadlines(investigator, seizure, seized, settings):
    settings.ARMSTRACE_TRACE_RESPONSE_DAYS = 28
    item = seized(seizure(), "FAL 123456", weapon_type="rifle")
    tr = services.draft_from_item(item, item.seizure.owner_state.__class__.objects.get(iso3="BEL"), investigator,
                                  illicit_character="found with a armed group", intended_use="prosecution")
    assert tr.status == "draft" and "FAL 123456" in tr.markings
    services.advance(tr, "send", investigator, on=dt.date(2012, 7, 1))
    assert tr.due_on == dt.date(2012, 7, 29)
    with pytest.raises(ValidationError, match="not due"):
        services.advance(tr, "no_response", investigator, on=dt.date(2012, 7, 20))
    assert list(services.overdue(TracingRequest.objects.all(), today=dt.date(2012, 8, 1))) == [tr]
    services.advance(tr, "acknowledge", investigator, on=dt.date(2012, 7, 3))
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.advance(tr, "send", investigator)
    services.advance(tr, "answer", investigator, on=dt.date(2012, 7, 17), last_legal_holder="Ministry of Defence X",
                     point_of_diversion="Depot Y, 2011", how_established="export licence records", text="")
    item.refresh_from_db()
    assert tr.status == "answered" and item.diversion_established and "Belgium" in item.diversion_how
    services.advance(tr, "close", investigator)
    assert TracingRequest.objects.get(pk=tr.pk).status == "closed"


def test_export_and_import_into_a_separate_database(investigator, seizure, seized, tmp_path):
    item = seized(seizure(), "AK 778899", weapon_type="assault_rifle")
    from armstrace.core.models import Country

    tr = services.draft_from_item(item, Country.objects.get(iso3="BGR"), investigator, illicit_character="x",
                                  intended_use="y")
    services.advance(tr, "send", investigator, on=dt.date(2012, 7, 1))
    exported = login_client(investigator).get(f"/illicit/tracing/{tr.pk}/export.json")
    path = tmp_path / "request.json"
    path.write_bytes(exported.content)
    assert json.loads(path.read_text())["requested_state"] == "BGR"
    other = tmp_path / "bulgaria"
    env = {**os.environ, "ARMSTRACE_VAR_DIR": str(other), "DJANGO_SETTINGS_MODULE": "armstrace.settings"}
    env.pop("ARMSTRACE_DATABASE_URL", None)
    cli = [sys.executable, "-m", "armstrace.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*cli, "createuser", "bg", "--role", "investigator", "--organisation", "Bulgarian police",
                    "--state", "BGR", "--password-stdin"], env=env, input="Another-Strong-Pass-7\n", text=True,
                   check=True, capture_output=True)
    done = subprocess.run([*cli, "tracing", "import", str(path), "--user", "bg"], env=env, text=True,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    assert "incoming" in done.stdout.lower() and (other / "armstrace.sqlite3").exists()
    wrong = subprocess.run([*cli, "tracing", "import", str(Path(__file__)), "--user", "bg"], env=env, text=True,
                           capture_output=True)
    assert wrong.returncode != 0 and "JSON" in wrong.stderr


def test_import_refuses_requests_for_another_state(investigator):
    data = {"format": services.EXCHANGE_FORMAT, "requesting_state": "BEL", "requested_state": "FRA", "request": {}}
    with pytest.raises(ValidationError, match="addressed to FRA"):
        services.import_request(data, investigator)


def test_shared_seizure_is_read_only_for_the_panel(investigator, seizure, seized, make_user):
    from armstrace.core.views import share_record
    from armstrace.illicit.models import Seizure

    s = seizure()
    item = seized(s, "SH-1")
    panel = make_user("panel_x", "analyst", "panel")
    share_record(s, panel.organisation, investigator, "panel of experts request")
    assert Seizure.objects.visible_to(panel).filter(pk=s.pk).exists()
    assert SeizedItem.objects.visible_to(panel).filter(pk=item.pk).exists()
    assert not Seizure.objects.writable_by(panel).exists()
    assert login_client(panel).get(f"/r/seizures/{s.pk}/").status_code == 200


def test_api_candidates_and_trace_actions(investigator, registrar, make_weapon, seizure, seized):
    from rest_framework.authtoken.models import Token

    weapon = make_weapon(registrar, "API-SZ-1")
    item = seized(seizure(), "API SZ 1")
    api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=investigator).key}")
    body = api.get(f"/api/illicit/items/{item.pk}/candidates/").json()
    assert body["candidates"][0]["id"] == weapon.pk
    assert api.post(f"/api/illicit/items/{item.pk}/confirm/", {"type": "weapons", "record": weapon.pk}).status_code \
        == 200
    from armstrace.core.models import Country

    tr = services.draft_from_item(item, Country.objects.get(iso3="RUS"), investigator, illicit_character="x",
                                  intended_use="y")
    assert api.post(f"/api/illicit/tracing/{tr.pk}/send/").json()["status"] == "sent"
    assert api.post(f"/api/illicit/tracing/{tr.pk}/send/").status_code == 400


def test_reminders_until_the_due_date(investigator, seizure, seized):
    from armstrace.core.models import Country

    tr = services.draft_from_item(seized(seizure(), "R-1"), Country.objects.get(iso3="EGY"), investigator,
                                  illicit_character="x", intended_use="y")
    services.advance(tr, "send", investigator, on=dt.date(2012, 7, 1))
    coming = services.reminders(tr, today=dt.date(2012, 7, 10))
    assert coming and coming[-1] == tr.due_on and all(d >= dt.date(2012, 7, 10) for d in coming)
    services.advance(tr, "answer", investigator, text="no record")
    assert services.reminders(tr) == []


def test_seizure_map_page(investigator, seizure):
    s = seizure()
    page = login_client(investigator).get(f"/illicit/seizures/{s.pk}/map/").content.decode()
    assert "seizure-map" in page and "18.7" in page
    assert "On the map" in login_client(investigator).get(f"/r/seizures/{s.pk}/").content.decode()
