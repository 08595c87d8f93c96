"""Illicit-flow statistics: SDG 16.4.2 with drill-down, and the questionnaire's tables."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.utils.translation import gettext as _

from armstrace.catalogue.models import WeaponType

from .models import SeizedItem, Seizure

ARMS = ("weapon", "manpads")


def _indicator_filters() -> tuple[Q, Q, Q]:
    """(counted arm, antique, established): the rules of armstrace.diversion.sdg as database filters."""
    from armstrace.diversion.sdg import ANTIQUE_BEFORE

    arm = Q(category__in=ARMS)
    antique = Q(year_of_manufacture__lt=ANTIQUE_BEFORE)  # an unknown year is not an antique
    return arm & ~antique, arm & antique, Q(diversion_established=True)


def sdg_16_4_2(items: Any) -> list[dict[str, Any]]:
    """Indicator per State and year, counted by the database (one grouped query, no item loop).

    The same rules as the pure `armstrace.diversion.sdg.indicator` (tests compare the two); the items
    behind a number are loaded only when someone drills down (`drill_down`).
    """
    counted, antique, established = _indicator_filters()
    rows = (items.values("owner_state_id", "year")
            .annotate(denominator=Count("id", filter=counted), numerator=Count("id", filter=counted & established),
                      excluded_antiques=Count("id", filter=antique))
            .order_by("owner_state_id", "year"))
    return [{"state": r["owner_state_id"], "year": r["year"], "numerator": r["numerator"],
             "denominator": r["denominator"], "excluded_antiques": r["excluded_antiques"],
             "value": r["numerator"] / r["denominator"] if r["denominator"] else None} for r in rows]


def drill_down(items: Any, state: str, year: int, part: str) -> Any:
    """The items counted in the numerator or the denominator of one figure."""
    counted, _antique, established = _indicator_filters()
    chosen = items.filter(counted, owner_state_id=state, year=year)
    return chosen.filter(established) if part == "numerator" else chosen


def seizures_per_year(seizures: Any) -> list[dict[str, int]]:
    """Counted by date ranges on the (State, date) index; a per-row year function would be a
    Python call per seizure on SQLite."""
    span = seizures.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return []
    return [{"year": year, "n": n} for year in range(span["first"].year, span["last"].year + 1)
            if (n := seizures.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1)).count())]


def tables(seizures: Any, items: Any) -> dict[str, Any]:
    """Counts over time, by type, by legal and criminal context, as the questionnaire asks."""
    per_year = seizures_per_year(seizures)
    by_type = {(r["category"], r["weapon_type"] or "", r["recovery"]): float(r["q"] or 0)
               for r in items.values("category", "weapon_type", "recovery").annotate(q=Sum("quantity"))
               .order_by()}
    labels = {**dict(SeizedItem.Category.choices), **dict(WeaponType.choices), **dict(Seizure.Recovery.choices),
              **dict(Seizure.LegalContext.choices), **dict(Seizure.CriminalContext.choices)}
    label = lambda code: str(labels.get(code, code))  # noqa: E731  (codes stay in the API's "code" fields)
    legal = seizures.values("legal_context").annotate(n=Count("id")).order_by("legal_context")
    criminal = seizures.values("criminal_context").annotate(n=Count("id")).order_by("criminal_context")
    return {
        "seizures_per_year": per_year,
        "items_by_type": [{"category": c, "weapon_type": w, "recovery": r, "quantity": q, "labels": [
            label(c), label(w) if w else "", label(r)]} for (c, w, r), q in sorted(by_type.items())],
        "by_legal_context": [{**row, "label": label(row["legal_context"])} for row in legal],
        "by_criminal_context": [{**row, "label": label(row["criminal_context"])} for row in criminal],
        "by_region": list(seizures.values("region").annotate(n=Count("id")).order_by("region")),
        "explosives_kg": float(items.filter(category="explosive").aggregate(kg=Sum("mass_kg"))["kg"] or 0),
    }


def questionnaire_xlsx(seizures: Any, items: Any) -> bytes:
    """The questionnaire's tables as a workbook (one sheet per table)."""
    from openpyxl import Workbook

    data = tables(seizures, items)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Seizures per year")[:31])
    sheet.append([_("Year"), _("Seizures")])
    for row in data["seizures_per_year"]:
        sheet.append([row["year"], row["n"]])
    sheet = workbook.create_sheet(_("Items by type")[:31])
    sheet.append([_("Category"), _("Weapon type"), _("Seized, found or surrendered"), _("Quantity")])
    for row in data["items_by_type"]:
        sheet.append([*row["labels"], row["quantity"]])
    for key, title in (("by_legal_context", _("Legal context")), ("by_criminal_context", _("Criminal context"))):
        sheet = workbook.create_sheet(title[:31])
        sheet.append([title, _("Seizures")])
        for row in data[key]:
            sheet.append([row["label"], row["n"]])
    sheet = workbook.create_sheet(_("Region")[:31])
    sheet.append([_("Region"), _("Seizures")])
    for row in data["by_region"]:
        sheet.append([row["region"] or "—", row["n"]])
    sheet = workbook.create_sheet("SDG 16.4.2")
    sheet.append([_("State"), _("Year"), _("Traced or established"), _("Seized, found or surrendered arms"),
                  _("Indicator"), _("Antiques excluded")])
    for row in sdg_16_4_2(items):
        sheet.append([row["state"], row["year"], row["numerator"], row["denominator"], row["value"],
                      row["excluded_antiques"]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def scoped(user: Any) -> tuple[Any, Any]:
    return Seizure.objects.visible_to(user), SeizedItem.objects.visible_to(user)
