"""Holdings are sums of the stock ledger: by site or storage unit, now or at any past date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from ..models import StockMovement

ITEM_FIELDS = ("weapon", "component", "lot")


def _scope(site: Any = None, unit: Any = None, on: dt.date | None = None) -> QuerySet:
    qs = StockMovement.objects.all()
    if unit is not None:
        qs = qs.filter(storage_unit=unit)
    elif site is not None:
        qs = qs.filter(site=site)
    if on is not None:
        qs = qs.filter(date__lte=on)
    return qs


def balance(item_field: str, item_id: int, *, unit: Any = None, site: Any = None, on: dt.date | None = None,
            exclude_pk: int | None = None) -> Decimal:
    qs = _scope(site, unit, on).filter(**{f"{item_field}_id": item_id})
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("delta"))["total"] or Decimal(0)


def location_of(item_field: str, item_id: int) -> int | None:
    """The storage unit currently holding a serialised item, or None (not in any store)."""
    rows = (StockMovement.objects.filter(**{f"{item_field}_id": item_id}).values("storage_unit")
            .annotate(n=Sum("delta")).filter(n__gt=0))
    return next((r["storage_unit"] for r in rows), None)


@dataclass
class Holdings:
    weapons: dict[int, int] = field(default_factory=dict)  # weapon id -> storage unit id
    components: dict[int, int] = field(default_factory=dict)
    lots: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (lot id, unit id) -> quantity

    @property
    def total_items(self) -> int:
        return len(self.weapons) + len(self.components)


def holdings(site: Any = None, unit: Any = None, on: dt.date | None = None) -> Holdings:
    """What a site (or unit) holds on a date: one grouped query per item kind, no per-item work."""
    result = Holdings()
    base = _scope(site, unit, on)
    for name, target in (("weapon", result.weapons), ("component", result.components)):
        rows = (base.filter(**{f"{name}__isnull": False}).values_list(name, "storage_unit")
                .annotate(n=Sum("delta")).filter(n__gt=0).order_by())
        for item_id, unit_id, _n in rows:
            target[item_id] = unit_id
    rows = (base.filter(lot__isnull=False).values_list("lot", "storage_unit").annotate(n=Sum("delta"))
            .filter(~Q(n=0)).order_by())
    for lot_id, unit_id, quantity in rows:
        result.lots[(lot_id, unit_id)] = quantity
    return result


def held_at(unit: Any) -> Holdings:
    return holdings(unit=unit)
