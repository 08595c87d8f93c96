"""What needs attention: MANPADS control, explosives safety and security, per site and nationally.

Every figure comes from grouped queries over the stock ledger (no per-item loops), so the
national dashboard stays fast with millions of items and hundreds of sites.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from armstrace.registry.models import AmmunitionLot
from armstrace.safety import (
    Exposure,
    NEQLine,
    QDCoefficients,
    accounted_ratio,
    check_building,
    colocated,
    exposures_at_risk,
    inventory_overdue,
    qd_circles,
)

from ..models import Discrepancy, SecurityAssessment, Site, StockMovement, Stocktake, StorageUnit
from ..models import Exposure as ExposureRecord


def qd_coefficients() -> QDCoefficients:
    return QDCoefficients(**getattr(settings, "ARMSTRACE_QD_COEFFICIENTS", {}))


def manpads_days() -> int:
    return int(getattr(settings, "ARMSTRACE_MANPADS_INVENTORY_DAYS", 31))


@dataclass
class SitePicture:
    site: Site
    accounted: int = 0
    components: dict[str, int] = field(default_factory=dict)
    colocated_units: list[str] = field(default_factory=list)
    last_full_count: dt.date | None = None
    inventory_overdue: bool = False
    rrpl: int | None = None
    open_discrepancies: int = 0
    alerts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.site.status == Site.Status.CLOSED:
            return "closed"
        return "alert" if self.alerts else "warning" if self.warnings else "ok"

    @property
    def ratio(self) -> float | None:
        return accounted_ratio(self.accounted, self.site.estimated_manpads)


def national_picture(sites: Any, today: dt.date | None = None) -> list[SitePicture]:
    """One SitePicture per site in the queryset, with MANPADS and security alerts."""
    today = today or dt.date.today()
    pictures = {s.pk: SitePicture(s) for s in sites}
    ids = list(pictures)
    held = (StockMovement.objects.filter(site_id__in=ids, component__isnull=False)
            .values_list("site", "storage_unit", "storage_unit__name", "component__component")
            .annotate(n=Sum("delta")).filter(n__gt=0).order_by())
    per_unit: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for site_id, _unit_id, unit_name, kind, n in held:
        picture = pictures[site_id]
        picture.components[kind] = picture.components.get(kind, 0) + int(n)
        per_unit[site_id].append((unit_name, kind))
    for site_id, picture in pictures.items():
        picture.accounted = picture.components.get("missile", 0)
        picture.colocated_units = colocated(per_unit.get(site_id, []))
    counts = (Stocktake.objects.filter(site_id__in=ids, status=Stocktake.Status.APPROVED, kind="full")
              .values_list("site").annotate(last=Max("started_on")).order_by())
    for site_id, last in counts:
        pictures[site_id].last_full_count = last
    latest: dict[int, int] = {}
    for site_id, level in (SecurityAssessment.objects.filter(site_id__in=ids).order_by("site", "date", "pk")
                           .values_list("site", "level")):
        latest[site_id] = level
    open_counts = (Discrepancy.objects.filter(status="open", line__transfer__to_site_id__in=ids)
                   .values_list("line__transfer__to_site").annotate(n=Sum(1)).order_by())
    for site_id, n in open_counts:
        pictures[site_id].open_discrepancies = n
    for site_id, picture in pictures.items():
        picture.rrpl = latest.get(site_id)
        _judge(picture, today)
    return list(pictures.values())


def _judge(p: SitePicture, today: dt.date) -> None:
    if p.colocated_units:
        p.alerts.append(_("MANPADS missiles and gripstocks in the same building: %(units)s")
                        % {"units": ", ".join(p.colocated_units)})
    if p.components and inventory_overdue(p.last_full_count, today, manpads_days()):
        p.inventory_overdue = True
        p.alerts.append(_("Monthly 100%% MANPADS serial inventory overdue (last full count: %(date)s)")
                        % {"date": p.last_full_count or _("never")})
    if p.open_discrepancies:
        p.alerts.append(_("%(n)d transfer discrepancies to resolve") % {"n": p.open_discrepancies})
    if p.rrpl is None:
        p.warnings.append(_("No security assessment recorded"))
    elif p.rrpl < p.site.target_rrpl:
        p.warnings.append(_("Security level %(level)d below target %(target)d")
                          % {"level": p.rrpl, "target": p.site.target_rrpl})


@dataclass
class UnitSafety:
    unit: StorageUnit
    check: Any
    circles: dict[str, float]
    violations: list[Any]
    lots: list[tuple[AmmunitionLot, Decimal]]


def site_safety(site: Site) -> list[UnitSafety]:
    """Per storage unit: NEQ against the licence, incompatible groups, and quantity-distance."""
    rows = (StockMovement.objects.filter(site=site, lot__isnull=False).values_list("storage_unit", "lot")
            .annotate(n=Sum("delta")).filter(n__gt=0).order_by())
    by_unit: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for unit_id, lot_id, n in rows:
        by_unit[unit_id].append((lot_id, n))
    lots = AmmunitionLot._base_manager.in_bulk([lot for pairs in by_unit.values() for lot, _n in pairs])
    coefficients = qd_coefficients()
    reach = max(coefficients.vulnerable_building, coefficients.inhabited_building)
    results = []
    for unit in site.units.all():
        held = [(lots[lot_id], n) for lot_id, n in by_unit.get(unit.pk, [])]
        lines = [NEQLine(lot.lot_number, n, lot.neq_per_unit_kg, lot.hazard_division, lot.compatibility_group)
                 for lot, n in held]
        check = check_building(lines, unit.licensed_neq_kg)
        circles = qd_circles(check.total_neq, coefficients) if check.total_neq else {}
        violations = []
        if circles:
            lat, lon = unit.position
            radius_deg = (reach * check.total_neq ** (1 / 3)) / 111_000 * 1.5
            nearby = ExposureRecord.objects.filter(
                owner_state_id=site.owner_state_id, latitude__range=(lat - radius_deg, lat + radius_deg),
                longitude__range=(lon - radius_deg * 2, lon + radius_deg * 2))
            violations = exposures_at_risk(lat, lon, check.total_neq, [
                Exposure(e.kind, e.name, float(e.latitude), float(e.longitude), e.pk) for e in nearby], coefficients)
        results.append(UnitSafety(unit, check, circles, violations, held))
    return results
