"""Server-rendered pages: log-in with lock-out, remembered language, forms with reasons."""

import pytest
from django.test import Client

from armstrace.core import ledger
from armstrace.registry.models import Weapon
from conftest import PASSWORD
from tests_support import login_client


def test_login_and_lockout(registrar, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": registrar.username, "password": "wrong"})
    locked = client.post("/login/", {"username": registrar.username, "password": PASSWORD})
    assert locked.status_code == 429 and "locked" in locked.content.decode().lower()


def test_login_success(registrar):
    client = Client()
    response = client.post("/login/", {"username": registrar.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_pages_need_login():
    response = Client().get("/r/weapons/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_language_is_remembered_on_the_account(registrar):
    client = login_client(registrar)
    client.post("/language/", {"language": "ar", "next": "/"})
    registrar.refresh_from_db()
    assert registrar.language == "ar"
    other_device = login_client(registrar)
    page = other_device.get("/").content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page


def test_register_and_amend_through_forms(registrar, catalogue):
    client = login_client(registrar)
    response = client.post("/r/weapons/add/", {
        "weapon_type": "assault_rifle", "manufacturer": catalogue["maker"].pk, "model": catalogue["akm"].pk,
        "serial_number": "ФОРМ-1", "marking_condition": "intact"})
    assert response.status_code == 302, response.content.decode()[:2000]
    weapon = Weapon.objects.get(serial_number="ФОРМ-1")
    refused = client.post(f"/r/weapons/{weapon.pk}/amend/", {
        "weapon_type": "assault_rifle", "serial_number": "ФОРМ-1", "marking_condition": "partly_obliterated"})
    assert refused.status_code == 200 and "reason" in refused.content.decode().lower()
    client.post(f"/r/weapons/{weapon.pk}/amend/", {
        "weapon_type": "assault_rifle", "serial_number": "ФОРМ-1", "marking_condition": "partly_obliterated",
        "manufacturer": catalogue["maker"].pk, "model": catalogue["akm"].pk, "reason": "filed marks found"})
    weapon.refresh_from_db()
    assert weapon.marking_condition == "partly_obliterated"
    detail = client.get(f"/r/weapons/{weapon.pk}/").content.decode()
    assert "filed marks found" in detail and "ФОРМ-1" in detail


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_filtered_export(registrar, make_weapon, fmt):
    make_weapon(registrar, "EXP-1", weapon_type="pistol")
    make_weapon(registrar, "EXP-2")
    response = login_client(registrar).get(f"/r/weapons/export.{fmt}", {"weapon_type": "pistol"})
    body = response.content if fmt == "xlsx" else b"".join(response.streaming_content)
    if fmt == "xlsx":
        import io

        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(body)).active.values)
        serials = [r[rows[0].index("serial_number")] for r in rows[1:]]
        assert serials == ["EXP-1"]
    else:
        assert b"EXP-1" in body and b"EXP-2" not in body


def test_ledger_verify_page_for_auditors(make_user, registrar, make_weapon):
    make_weapon(registrar, "L-1")
    auditor = make_user("aud", "auditor", "A")
    assert login_client(registrar).get("/ledger/verify/").status_code == 403
    page = login_client(auditor).post("/ledger/verify/").content.decode()
    assert "Intact" in page
    assert ledger.verify().ok


def test_global_search_finds_records(registrar, make_weapon):
    make_weapon(registrar, "GLOBAL-77")
    page = login_client(registrar).get("/search/", {"q": "GLOBAL-77"}).content.decode()
    assert "GLOBAL-77" in page
