"""The REST API: token auth, the same validation and history as the pages, an OpenAPI schema."""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from armstrace.core import ledger
from armstrace.registry.models import Weapon
from conftest import PASSWORD


@pytest.fixture
def api(registrar):
    token = Token.objects.create(user=registrar)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_token_is_issued_for_valid_credentials(registrar):
    client = Client()
    ok = client.post("/api/token/", {"username": registrar.username, "password": PASSWORD})
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
    assert client.post("/api/token/", {"username": registrar.username, "password": "wrong"}).status_code in (400, 403)


def test_unauthenticated_requests_are_refused():
    assert Client().get("/api/weapons/").status_code in (401, 403)


def test_create_list_filter_and_history(api, catalogue):
    created = post(api, "/api/weapons/", {"weapon_type": "assault_rifle", "serial_number": "API-1",
                                          "manufacturer": catalogue["maker"].pk, "model": catalogue["akm"].pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner_state"] == "LBY" and body["serial_normalised"]
    post(api, "/api/weapons/", {"weapon_type": "pistol", "serial_number": "API-2"})
    listed = api.get("/api/weapons/", {"weapon_type": "pistol"}).json()
    assert listed["count"] == 1 and listed["results"][0]["serial_number"] == "API-2"
    assert api.get("/api/weapons/", {"q": "API-1"}).json()["count"] == 1
    history = api.get(f"/api/weapons/{body['id']}/history/").json()
    assert history[0]["action"] == "create" and len(history[0]["hash"]) == 64


def test_validation_errors_name_the_field(api):
    response = post(api, "/api/weapons/", {"weapon_type": "tank", "serial_number": "X"})
    assert response.status_code == 400 and "weapon_type" in response.json()


def test_amendment_needs_a_reason(api, registrar, make_weapon):
    weapon = make_weapon(registrar, "R-1")
    url = f"/api/weapons/{weapon.pk}/"
    refused = api.patch(url, json.dumps({"notes": "x"}), content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    ok = api.patch(url, json.dumps({"notes": "x", "reason": "typo"}), content_type="application/json")
    assert ok.status_code == 200
    assert [e.reason for e in ledger.history(weapon)][-1] == "typo"


def test_status_cannot_be_typed_in(api, registrar, make_weapon):
    weapon = make_weapon(registrar, "S-1")
    api.patch(f"/api/weapons/{weapon.pk}/", json.dumps({"status": "destroyed", "reason": "try"}),
              content_type="application/json")
    assert Weapon.objects.get(pk=weapon.pk).status == "unknown"


def test_delete_does_not_exist(api, registrar, make_weapon):
    weapon = make_weapon(registrar, "D-1")
    assert api.delete(f"/api/weapons/{weapon.pk}/").status_code == 405
    assert Weapon.objects.filter(pk=weapon.pk).exists()


def test_event_rules_apply_through_the_api(api, registrar, make_weapon):
    weapon = make_weapon(registrar, "E-1")
    destroyed = post(api, "/api/weapon-events/", {"item": weapon.pk, "kind": "destroyed", "date": "2012-01-01"})
    assert destroyed.status_code == 201
    refused = post(api, "/api/weapon-events/", {"item": weapon.pk, "kind": "issued", "date": "2012-02-01"})
    assert refused.status_code == 400 and "kind" in refused.json()


def test_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/weapons/" in schema["paths"] and "/api/lots/" in schema["paths"]
    assert "delete" not in schema["paths"]["/api/weapons/{id}/"]
