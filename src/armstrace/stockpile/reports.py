"""JSON-ready views of the stockpile for the API and the command line (the pages use the same services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from armstrace.registry.models import AmmunitionLot, ManpadsComponent, Weapon

from .models import Site
from .services import holdings
from .services.oversight import national_picture, site_safety


def overview(sites: Any) -> dict[str, Any]:
    pictures = national_picture(sites)
    return {
        "estimated": sum(p.site.estimated_manpads for p in pictures),
        "accounted": sum(p.accounted for p in pictures),
        "sites": [{"id": p.site.pk, "name": p.site.name, "region": p.site.region, "status": p.status,
                   "lat": float(p.site.latitude), "lon": float(p.site.longitude),
                   "manpads": p.components, "estimated": p.site.estimated_manpads, "accounted": p.accounted,
                   "colocated_units": p.colocated_units, "last_full_count": p.last_full_count,
                   "inventory_overdue": p.inventory_overdue, "rrpl": p.rrpl, "target_rrpl": p.site.target_rrpl,
                   "alerts": p.alerts, "warnings": p.warnings} for p in pictures],
    }


def site_holdings(site: Site, on: dt.date | None = None) -> dict[str, Any]:
    held = holdings(site=site, on=on)
    units = dict(site.units.values_list("pk", "name"))
    weapons = dict(Weapon._base_manager.filter(pk__in=list(held.weapons)).values_list("pk", "serial_number"))
    components = ManpadsComponent._base_manager.filter(pk__in=list(held.components)).values_list(
        "pk", "serial_number", "component")
    lots = dict(AmmunitionLot._base_manager.filter(pk__in=[lot for lot, _u in held.lots]).values_list(
        "pk", "lot_number"))
    return {
        "site": site.name, "on": (on or dt.date.today()).isoformat(),
        "weapons": [{"id": i, "serial": weapons.get(i), "unit": units.get(u)} for i, u in held.weapons.items()],
        "manpads_components": [{"id": i, "serial": s, "component": k, "unit": units.get(held.components[i])}
                               for i, s, k in components],
        "lots": [{"id": lot, "lot_number": lots.get(lot), "unit": units.get(u), "quantity": str(q)}
                 for (lot, u), q in held.lots.items()],
    }


def safety(site: Site) -> dict[str, Any]:
    return {"site": site.name, "units": [{
        "unit": r.unit.name, "neq_kg": r.check.total_neq, "licensed_kg": float(r.unit.licensed_neq_kg),
        "over_limit": r.check.over_limit, "incompatible": r.check.conflicts, "qd_m": r.circles,
        "exposures_inside": [{"name": v.exposure.name, "kind": v.exposure.kind, "distance_m": round(v.actual_m),
                              "required_m": round(v.required_m)} for v in r.violations]} for r in site_safety(site)]}
