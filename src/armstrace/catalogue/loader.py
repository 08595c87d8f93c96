"""Load a catalogue JSON (the shipped starter catalogue or a national one) idempotently.

Existing entries (by name) are left as they are, so re-running never duplicates and never
silently overwrites a curated entry; everything created is recorded in the ledger.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from armstrace.core.context import acting
from armstrace.core.models import Country

from .calibres import calibre_key
from .models import Calibre, Manufacturer, ManufacturerAlias, WeaponModel

STARTER = Path(__file__).parent / "data" / "starter_catalogue.json"


@dataclass
class LoadResult:
    calibres: int = 0
    manufacturers: int = 0
    aliases: int = 0
    models: int = 0


def load_catalogue(path: Path = STARTER) -> LoadResult:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    result = LoadResult()
    countries = set(Country.objects.values_list("iso3", flat=True))
    with transaction.atomic(), acting(via="system", reason="catalogue load"):
        calibres = {c.key: c for c in Calibre.objects.all()}
        for entry in data.get("calibres", []):
            key = calibre_key(entry["name"])
            if key not in calibres:
                calibres[key] = Calibre(name=entry["name"], aliases=entry.get("aliases", ""),
                                        source=entry.get("source", ""))
                calibres[key].save()
                result.calibres += 1
        makers = {m.name: m for m in Manufacturer.objects.all()}
        for entry in data.get("manufacturers", []):
            maker = makers.get(entry["name"])
            if maker is None:
                country = entry.get("country")
                maker = Manufacturer(name=entry["name"], country_id=country if country in countries else None,
                                     notes=entry.get("notes", ""), source=entry.get("source", ""))
                maker.save()
                makers[maker.name] = maker
                result.manufacturers += 1
            known = set(maker.aliases.values_list("name", flat=True))
            for alias in entry.get("aliases", []):
                if alias["name"] not in known:
                    ManufacturerAlias(manufacturer=maker, name=alias["name"], kind=alias.get("kind", "name"),
                                      script=alias.get("script", "")).save()
                    known.add(alias["name"])
                    result.aliases += 1
        existing = set(WeaponModel.objects.values_list("manufacturer__name", "name"))
        for entry in data.get("models", []):
            if (entry.get("manufacturer"), entry["name"]) in existing:
                continue
            calibre = calibres.get(calibre_key(entry["calibre"])) if entry.get("calibre") else None
            WeaponModel(name=entry["name"], manufacturer=makers.get(entry.get("manufacturer") or ""),
                        weapon_type=entry["weapon_type"], un_category=entry["un_category"], calibre=calibre,
                        aliases=entry.get("aliases", ""), source=entry.get("source", "")).save()
            existing.add((entry.get("manufacturer"), entry["name"]))
            result.models += 1
    return result


def manufacturer_aliases() -> dict[str, str]:
    """alias (and name) -> canonical manufacturer name, for the marking search."""
    names = {m: m for m in Manufacturer.objects.values_list("name", flat=True)}
    names.update(dict(ManufacturerAlias.objects.values_list("name", "manufacturer__name")))
    return names
