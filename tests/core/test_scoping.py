"""A user of State A cannot read, list, export, search or change State B's records — by any door."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from armstrace.core.models import Share
from armstrace.registry.models import Weapon
from tests_support import login_client


@pytest.fixture
def two_states(registrar, registrar_b, make_weapon):
    return make_weapon(registrar, "AAA-1111"), make_weapon(registrar_b, "BBB-2222")


def test_queryset_scope(two_states, registrar, registrar_b):
    weapon_a, weapon_b = two_states
    assert list(Weapon.objects.visible_to(registrar)) == [weapon_a]
    assert list(Weapon.objects.visible_to(registrar_b)) == [weapon_b]
    assert not Weapon.objects.writable_by(registrar).filter(pk=weapon_b.pk).exists()


def test_web_pages_do_not_leak(two_states, registrar):
    _a, weapon_b = two_states
    client = login_client(registrar)
    listing = client.get("/r/weapons/").content.decode()
    assert "AAA-1111" in listing and "BBB-2222" not in listing
    assert client.get(f"/r/weapons/{weapon_b.pk}/").status_code == 404
    assert client.get(f"/r/weapons/{weapon_b.pk}/amend/").status_code == 404
    assert client.post(f"/r/weapons/{weapon_b.pk}/amend/", {"reason": "x"}).status_code == 404
    assert "BBB-2222" not in client.get("/search/", {"q": "BBB"}).content.decode()
    exported = b"".join(client.get("/r/weapons/export.csv").streaming_content).decode()
    assert "AAA-1111" in exported and "BBB-2222" not in exported


def test_api_does_not_leak(two_states, registrar):
    _a, weapon_b = two_states
    token = Token.objects.create(user=registrar)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get("/api/weapons/").json()
    assert [r["serial_number"] for r in body["results"]] == ["AAA-1111"]
    assert api.get(f"/api/weapons/{weapon_b.pk}/").status_code == 404
    patch = api.patch(f"/api/weapons/{weapon_b.pk}/", json.dumps({"notes": "x", "reason": "y"}),
                      content_type="application/json")
    assert patch.status_code == 404
    assert api.get(f"/api/weapons/{weapon_b.pk}/history/").status_code == 404
    assert Weapon.objects.get(pk=weapon_b.pk).notes == ""


def test_cli_export_does_not_leak(two_states, registrar, tmp_path):
    out = tmp_path / "w.json"
    call_command("export", "weapons", "--format", "json", "--user", registrar.username, "--output", str(out))
    serials = [row["serial_number"] for row in json.loads(out.read_text())]
    assert serials == ["AAA-1111"]


def test_explicit_share_is_read_only_and_recorded(two_states, registrar, registrar_b, make_user):
    weapon_a, _b = two_states
    focal = make_user("focal_a", "focal_point", "A")
    client = login_client(focal)
    response = client.post(f"/r/weapons/{weapon_a.pk}/share/",
                           {"organisation": registrar_b.organisation_id, "reason": "tracing request 12"})
    assert response.status_code == 302
    assert Share.objects.filter(object_id=weapon_a.pk).exists()
    assert Weapon.objects.visible_to(registrar_b).filter(pk=weapon_a.pk).exists()
    assert not Weapon.objects.writable_by(registrar_b).filter(pk=weapon_a.pk).exists()
    b_client = login_client(registrar_b)
    assert b_client.get(f"/r/weapons/{weapon_a.pk}/").status_code == 200
    assert b_client.post(f"/r/weapons/{weapon_a.pk}/amend/", {"reason": "x"}).status_code == 404
    from armstrace.core import ledger

    assert [e.action for e in ledger.history(weapon_a)][-1] == "share"


def test_international_body_sees_only_what_is_shared(two_states, make_user):
    panel = make_user("panel_1", "analyst", "panel")
    assert not Weapon.objects.visible_to(panel).exists()


def test_read_only_roles_cannot_write(two_states, make_user):
    weapon_a, _b = two_states
    auditor = make_user("aud_a", "auditor", "A")
    client = login_client(auditor)
    assert client.get("/r/weapons/add/").status_code == 403
    assert client.post(f"/r/weapons/{weapon_a.pk}/amend/", {"reason": "x"}).status_code == 403
    token = Token.objects.create(user=auditor)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/weapons/", {"serial_number": "X"}).status_code == 403
