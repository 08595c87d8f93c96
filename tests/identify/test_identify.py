"""The marking search inside the application: follows the register, respects scope, flags lost items."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from armstrace.core.importing import run_import
from armstrace.core.registration import REGISTRY
from armstrace.core.services import save_record
from armstrace.core.tabular import read_table
from armstrace.identify.service import service
from tests_support import login_client


@pytest.fixture(autouse=True)
def fresh_service(tmp_path):
    saved_directory = service.directory
    service.reset()
    service.directory = tmp_path / "marking-index"
    yield
    service.reset()
    service.directory = saved_directory


def serials(user, reading, **attrs):
    return [c.record.serial_number for c in service.search(user, reading, **attrs)]


def test_follows_create_and_amendment(registrar, make_weapon):
    weapon = make_weapon(registrar, "KX 451290")
    assert serials(registrar, "KX45129O")[0] == "KX 451290"  # O read for 0
    weapon.serial_number = "KX 451299"
    save_record(weapon, registrar, reason="misread at registration")
    hits = serials(registrar, "KX451299")
    assert hits[0] == "KX 451299" and "KX 451290" not in hits


def test_follows_imports_and_cyrillic_readings(registrar, catalogue, make_weapon):
    make_weapon(registrar, "AAA 000001")
    assert serials(registrar, "AAA000001")  # index built before the import
    data = "weapon_type,manufacturer,serial_number\nassault_rifle,ИЖМАШ,БПЗ 1985\nassault_rifle,Izhmash,ZZ 777771\n"
    run_import(REGISTRY["weapons"], read_table("i.csv", data.encode()), registrar)
    assert serials(registrar, "BPZ1985")[0] == "БПЗ 1985"
    assert serials(registrar, "ZZ 777771")[0] == "ZZ 777771"
    assert serials(registrar, "٢٢ ٧٧٧٧٧١".replace("٢", "Z"))[0] == "ZZ 777771"  # Arabic-Indic digits


def test_exact_match_first_and_manufacturer_alias_in_any_script(registrar, make_weapon, catalogue):
    make_weapon(registrar, "123456")
    make_weapon(registrar, "123458", manufacturer=None, model=None)
    hits = service.search(registrar, "123456", manufacturer="ИЖМАШ")
    assert hits[0].record.serial_number == "123456"
    assert {c.record.serial_number for c in hits} >= {"123456", "123458"}
    unknown = serials(registrar, "123456", manufacturer="Some Unknown Works")
    assert unknown[0] == "123456"  # an unknown maker never hides the right weapon


def test_wildcards_and_partials(registrar, make_weapon):
    make_weapon(registrar, "NB 4471902")
    make_weapon(registrar, "NB 4471999")
    assert "NB 4471902" in serials(registrar, "NB44719?2")
    assert set(serials(registrar, "*1902")) >= {"NB 4471902"}
    assert "NB 4471902" in serials(registrar, "71902")


def test_scope_other_state_never_found(registrar, registrar_b, make_weapon):
    make_weapon(registrar_b, "SECRET 99881")
    assert serials(registrar, "SECRET99881") == []
    assert serials(registrar_b, "SECRET99881") == ["SECRET 99881"]


def test_shared_record_is_found(registrar, registrar_b, make_weapon, make_user):
    from armstrace.core.views import share_record

    weapon = make_weapon(registrar_b, "SHARED 55501")
    share_record(weapon, registrar.organisation, registrar_b, "tracing request")
    assert serials(registrar, "SHARED55501") == ["SHARED 55501"]


def test_lost_weapon_is_flagged_with_who_reported_it(registrar, make_weapon, add_event):
    weapon = make_weapon(registrar, "LOST 42424")
    add_event(registrar, weapon, "registered", dt.date(2012, 1, 1))
    add_event(registrar, weapon, "reported_lost", dt.date(2012, 5, 2), place="Depot 7")
    hit = service.search(registrar, "L0ST42424")[0]
    missing = hit.reported_missing_by
    assert hit.record.status == "lost"
    assert missing["by"] == registrar.username and missing["date"] == dt.date(2012, 5, 2)


def test_rebuild_and_saved_index_survive_a_restart(registrar, make_weapon, tmp_path):
    make_weapon(registrar, "PERSIST 1")
    call_command("marking", "rebuild", verbosity=0)
    service.reset()
    make_weapon(registrar, "PERSIST 2")  # written after the save: applied from the ledger
    assert (tmp_path / "marking-index" / "manifest.json").exists()
    assert serials(registrar, "PERSIST1")[0] == "PERSIST 1"
    assert serials(registrar, "PERSIST2")[0] == "PERSIST 2"


def test_page_api_and_cli(registrar, make_weapon, capsys):
    make_weapon(registrar, "PAGE 31415")
    page = login_client(registrar).get("/identify/", {"q": "PAGE3I4I5"}).content.decode()
    assert "PAGE 31415" in page and "diffchar" in page
    global_page = login_client(registrar).get("/search/", {"q": "PAGE 3141S"}).content.decode()
    assert "PAGE 31415" in global_page
    token = Token.objects.create(user=registrar)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get("/api/identify/", {"q": "PAGE3141S"}).json()
    assert body["results"][0]["serial"] == "PAGE 31415" and body["results"][0]["differences"]
    assert api.get("/api/identify/").status_code == 400
    call_command("marking", "search", "PAGE31415", "--json", "--user", registrar.username)
    assert json.loads(capsys.readouterr().out)[0]["serial"] == "PAGE 31415"


def test_closest_serial_is_listed_and_flagged_when_the_details_point_elsewhere(registrar, make_weapon, capsys):
    """An officer names the manufacturer; a dozen of its rifles are two misreadings from the
    reading, the right weapon (manufacturer not recorded) only one: it is still listed, flagged,
    on the page, in the API and on the command line."""
    for p in ("03", "04", "05", "06", "07", "08", "09", "30", "33", "34", "35", "36"):
        make_weapon(registrar, f"386 55{p}378")
    make_weapon(registrar, "386 5512379", manufacturer=None, model=None)
    hits = service.search(registrar, "386 5512378", manufacturer="Izhmash")
    flagged = [c for c in hits if c.match.closest_serial]
    assert [c.record.serial_number for c in flagged] == ["386 5512379"]
    assert hits[0].record.serial_number != "386 5512379"  # the details rank it below the others
    page = login_client(registrar).get("/identify/", {"q": "386 5512378", "manufacturer": "Izhmash"})
    assert "closest-note" in page.content.decode() and "386 5512379" in page.content.decode()
    token = Token.objects.create(user=registrar)
    body = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(
        "/api/identify/", {"q": "386 5512378", "manufacturer": "Izhmash"}).json()
    assert [r["serial"] for r in body["results"] if r["closest_serial"]] == ["386 5512379"]
    call_command("marking", "search", "386 5512378", "--manufacturer", "Izhmash", "--user", registrar.username)
    out = capsys.readouterr().out
    assert "386 5512379" in out and "closest serial" in out
