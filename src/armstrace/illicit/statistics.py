"""Illicit-flow statistics: SDG 16.4.2 with drill-down, and the questionnaire's tables."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from armstrace.catalogue.models import WeaponType

from .models import SeizedItem, Seizure


def sdg_16_4_2(items: Any) -> list[dict[str, Any]]:
    """Indicator rows per State and year, with the item ids behind each number."""
    from armstrace.diversion.sdg import ArmRecord, indicator

    records = [ArmRecord(item_id=pk, seizure_id=seizure, state=state, year=date.year, recovery=recovery,
                         is_arm=category in ("weapon", "manpads"), year_of_manufacture=yom,
                         diversion_established=established)
               for pk, seizure, state, date, recovery, category, yom, established in items.values_list(
                   "pk", "seizure_id", "owner_state_id", "seizure__date", "seizure__recovery", "category",
                   "year_of_manufacture", "diversion_established").iterator(chunk_size=20_000)]
    rows = []
    for (state, year), value in sorted(indicator(records).items()):
        rows.append({"state": state, "year": year, "numerator": value.numerator, "denominator": value.denominator,
                     "value": value.value, "excluded_antiques": value.excluded_antiques,
                     "numerator_ids": sorted(value.item_ids_numerator),
                     "denominator_ids": sorted(value.item_ids_denominator)})
    return rows


def tables(seizures: Any, items: Any) -> dict[str, Any]:
    """Counts over time, by type, by legal and criminal context, as the questionnaire asks."""
    per_year = list(seizures.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("id")).order_by("year"))
    by_type = Counter()
    for category, weapon_type, recovery, quantity in items.values_list("category", "weapon_type",
                                                                      "seizure__recovery", "quantity"):
        by_type[(category, weapon_type or "", recovery)] += float(quantity or 0)
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
