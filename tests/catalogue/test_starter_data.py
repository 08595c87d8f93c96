"""Consistency of the shipped starter catalogue (plain pytest: no Django, no database)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src/armstrace/catalogue/data/starter_catalogue.json"

WEAPON_TYPES = {"pistol", "rifle", "assault_rifle", "smg", "lmg", "shotgun", "hmg", "grenade_launcher",
                "recoilless", "rocket_launcher", "atgm", "mortar", "manpads", "other"}
UN_CATEGORIES = {"salw_small", "salw_light", "VII"}
ALIAS_KINDS = {"name", "factory_code"}
# Field lengths of the catalogue models (armstrace.catalogue.models).
MAX_SOURCE, MAX_ALIASES, MAX_CALIBRE, MAX_MODEL, MAX_MAKER, MAX_SCRIPT = 300, 300, 60, 120, 200, 20


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split(";") if a.strip()]


def _fallback_calibre_key(designation: str) -> str:
    """Same folding as armstrace.catalogue.calibres.calibre_key, in case it cannot be imported."""
    text = unicodedata.normalize("NFKC", designation or "").strip()
    text = text.translate(str.maketrans({"×": "x", "х": "x", "Х": "x", "*": "x", "X": "x", ",": "."})).lower()
    text = re.sub(r"(mm|мм|cal\.?|calibre|caliber)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^\.(\d)", r"0.\1", text)
    return text.strip(".-")


try:
    from armstrace.catalogue.calibres import calibre_key
except ImportError:  # pragma: no cover - the module is pure Python, but keep this test standalone
    calibre_key = _fallback_calibre_key


def test_top_level_schema(data):
    assert set(data) == {"version", "note", "calibres", "manufacturers", "models"}
    assert data["version"] == 1
    assert data["note"].strip()
    for section in ("calibres", "manufacturers", "models"):
        assert isinstance(data[section], list) and data[section]


def test_entry_keys(data):
    for c in data["calibres"]:
        assert set(c) == {"name", "aliases", "source"}, c
    for m in data["manufacturers"]:
        assert set(m) == {"name", "country", "aliases", "notes", "source"}, m
        for a in m["aliases"]:
            assert set(a) == {"name", "kind", "script"}, a
    for w in data["models"]:
        assert set(w) == {"name", "manufacturer", "weapon_type", "un_category", "calibre", "aliases", "source"}, w


def test_every_entry_has_a_source(data):
    for section in ("calibres", "manufacturers", "models"):
        for entry in data[section]:
            assert isinstance(entry["source"], str) and entry["source"].strip(), entry["name"]
            assert len(entry["source"]) <= MAX_SOURCE, entry["name"]


def test_field_lengths(data):
    for c in data["calibres"]:
        assert len(c["name"]) <= MAX_CALIBRE and len(c["aliases"]) <= MAX_ALIASES, c["name"]
    for m in data["manufacturers"]:
        assert len(m["name"]) <= MAX_MAKER, m["name"]
        for a in m["aliases"]:
            assert a["name"].strip() and len(a["name"]) <= MAX_MAKER and len(a["script"]) <= MAX_SCRIPT, a
    for w in data["models"]:
        assert len(w["name"]) <= MAX_MODEL and len(w["aliases"]) <= MAX_ALIASES, w["name"]


def test_models_reference_existing_manufacturers_and_calibres(data):
    makers = {m["name"] for m in data["manufacturers"]}
    calibres = {c["name"] for c in data["calibres"]}
    for w in data["models"]:
        assert w["manufacturer"] is None or w["manufacturer"] in makers, w
        assert w["calibre"] is None or w["calibre"] in calibres, w


def test_calibre_keys_unique_and_resolvable(data):
    """The loader finds calibres by comparison key: names and aliases must not collide."""
    owner: dict[str, str] = {}
    for c in data["calibres"]:
        for designation in [c["name"], *_split(c["aliases"])]:
            key = calibre_key(designation)
            assert key, designation
            assert owner.setdefault(key, c["name"]) == c["name"], (designation, owner[key], c["name"])
    names = {calibre_key(c["name"]) for c in data["calibres"]}
    assert len(names) == len(data["calibres"])
    for w in data["models"]:
        if w["calibre"]:
            assert calibre_key(w["calibre"]) in names, w


def test_allowed_values(data):
    for w in data["models"]:
        assert w["weapon_type"] in WEAPON_TYPES, w
        assert w["un_category"] in UN_CATEGORIES, w
    for m in data["manufacturers"]:
        for a in m["aliases"]:
            assert a["kind"] in ALIAS_KINDS, a


def test_countries_are_iso_alpha3(data):
    for m in data["manufacturers"]:
        assert re.fullmatch(r"[A-Z]{3}", m["country"] or ""), m["name"]


def test_no_duplicates(data):
    makers = Counter(m["name"] for m in data["manufacturers"])
    assert not [n for n, k in makers.items() if k > 1]
    calibres = Counter(c["name"] for c in data["calibres"])
    assert not [n for n, k in calibres.items() if k > 1]
    pairs = Counter((w["manufacturer"], w["name"]) for w in data["models"])
    assert not [p for p, k in pairs.items() if k > 1]
    for m in data["manufacturers"]:
        aliases = Counter(a["name"] for a in m["aliases"])
        assert not [n for n, k in aliases.items() if k > 1], m["name"]


def test_manufacturer_aliases_do_not_point_to_two_makers(data):
    """Aliases (and factory codes) map to one manufacturer in the marking search."""
    try:
        from armstrace.marking.normalise import normalise_name
    except ImportError:  # pragma: no cover
        def normalise_name(s: str) -> str:
            return re.sub(r"\W", "", unicodedata.normalize("NFKC", s)).upper()
    owner: dict[str, str] = {}
    for m in data["manufacturers"]:
        for name in [m["name"], *(a["name"] for a in m["aliases"])]:
            key = normalise_name(name)
            assert owner.setdefault(key, m["name"]) == m["name"], (name, owner[key], m["name"])


def test_manpads_are_category_vii(data):
    manpads = [w for w in data["models"] if w["weapon_type"] == "manpads"]
    assert manpads
    for w in manpads:
        assert w["un_category"] == "VII", w["name"]
    for w in data["models"]:
        if w["un_category"] == "VII":
            assert w["weapon_type"] == "manpads", w["name"]


def _has_script(text: str, prefix: str) -> bool:
    return any(unicodedata.name(ch, "").startswith(prefix) for ch in text)


def test_scripts_are_covered(data):
    aliases = [a for m in data["manufacturers"] for a in m["aliases"]]
    assert any(a["script"] == "Cyrillic" and _has_script(a["name"], "CYRILLIC") for a in aliases)
    assert any(_has_script(a["name"], "CJK UNIFIED IDEOGRAPH") for a in aliases)
    assert any(a["script"] == "Arabic" and _has_script(a["name"], "ARABIC") for a in aliases)
    for a in aliases:  # the declared script matches the letters used
        if a["script"] == "Cyrillic":
            assert _has_script(a["name"], "CYRILLIC"), a
        if a["script"] == "Arabic":
            assert _has_script(a["name"], "ARABIC"), a


def test_norinco_has_factory_codes(data):
    norinco = next(m for m in data["manufacturers"] if m["name"] == "Norinco")
    codes = {a["name"] for a in norinco["aliases"] if a["kind"] == "factory_code"}
    assert {"26", "66", "386", "416"} <= codes
    for m in data["manufacturers"]:
        for a in m["aliases"]:
            if a["kind"] == "factory_code":
                assert re.fullmatch(r"[0-9A-Z]+", a["name"]), a


def test_ak47_is_findable(data):
    assert any(w["name"] == "AK-47" or "AK-47" in _split(w["aliases"]) for w in data["models"])


@pytest.mark.parametrize("name", ["9K32M Strela-2M", "9K338 Igla-S", "RPG-7", "Type 56", "PKM", "DShK"])
def test_key_scenario_models_present(data, name):
    assert any(w["name"] == name for w in data["models"])
