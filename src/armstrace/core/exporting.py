"""Export any filtered, scoped queryset of a registered model as CSV, XLSX or JSON (streamed)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models

from .ledger import jsonable
from .registration import Registration

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "json": "application/json"}


def _columns(reg: Registration) -> list[tuple[str, models.Field]]:
    cols = [(name, reg.model._meta.get_field(name)) for name in reg.export_fields]
    if hasattr(reg.model, "owner_state"):
        cols.append(("owner_state", reg.model._meta.get_field("owner_state")))
    return cols


def _cell(obj: models.Model, name: str, f: models.Field) -> Any:
    if isinstance(f, models.ForeignKey):
        related = getattr(obj, name)
        return "" if related is None else str(related)
    value = getattr(obj, name)
    if f.choices:
        return getattr(obj, f"get_{name}_display")()
    return jsonable(value)


def rows(reg: Registration, queryset: models.QuerySet) -> Iterator[dict[str, Any]]:
    cols = _columns(reg)
    related = [n for n, f in cols if isinstance(f, models.ForeignKey)]
    for obj in queryset.select_related(*related).iterator(chunk_size=2000):
        yield {name: _cell(obj, name, f) for name, f in cols}


def write_csv(reg: Registration, data: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = [name for name, _f in _columns(reg)]
    writer.writerow(headers)
    yield "\ufeff" + buffer.getvalue()
    for row in data:
        buffer.seek(0)
        buffer.truncate()
        # A leading = + - @ would make a spreadsheet run the cell as a formula.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row.values()])
        yield buffer.getvalue()


def write_json(data: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(data):
        yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
    yield "]"


def write_xlsx(reg: Registration, data: Iterable[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(reg.label)[:31])
    sheet.append([name for name, _f in _columns(reg)])
    for row in data:
        sheet.append(["'" + v if isinstance(v, str) and v[:1] == "=" else v for v in row.values()])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export(reg: Registration, queryset: models.QuerySet, fmt: str) -> Iterator[str] | bytes:
    data = rows(reg, queryset)
    if fmt == "csv":
        return write_csv(reg, data)
    if fmt == "json":
        return write_json(data)
    if fmt == "xlsx":
        return write_xlsx(reg, data)
    raise ValueError(fmt)
