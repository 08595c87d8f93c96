"""Bulk import of a table into a registered model: map columns, validate, then write in bulk.

All-or-nothing by default: if any row has an error nothing is written and every error is
reported with file, row, column and field. In per-row mode the valid rows are written and the
errors come back as a report. Writing is set-based (bulk_create + one ledger append), which
is what makes 100,000 rows take seconds rather than minutes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import ledger
from .context import acting
from .models import ImportJob, Organisation, OwnedModel
from .permissions import can_write
from .registration import Registration
from .tabular import Table, iter_cells

BATCH = 2000


@dataclass
class RowError:
    row: int
    column: str
    field: str
    message: str

    def as_text(self, file_name: str) -> str:
        return _("%(file)s, row %(row)d, column “%(column)s” (%(field)s): %(message)s") % {
            "file": file_name, "row": self.row, "column": self.column or "-", "field": self.field or "-",
            "message": self.message,
        }


@dataclass
class ImportResult:
    file_name: str
    total: int
    written: int
    dry_run: bool
    per_row: bool
    mapping: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)
    job: ImportJob | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_report_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["file", "row", "column", "field", "error"])
        for e in self.errors:
            writer.writerow([self.file_name, e.row, e.column, e.field, e.message])
        return out.getvalue()


def _field_names(reg: Registration) -> dict[str, str]:
    """Every spelling a header may use for a field -> the field name."""
    names: dict[str, str] = {}
    for name in reg.fields:
        f = reg.model._meta.get_field(name)
        for spelling in (name, name.replace("_", " "), str(f.verbose_name), getattr(f, "attname", name)):
            names[spelling.casefold().strip()] = name
    return names


def default_mapping(reg: Registration, headers: list[str]) -> dict[str, str]:
    spellings = _field_names(reg)
    return {h: spellings[h.casefold().strip()] for h in headers if h.casefold().strip() in spellings}


class _Resolver:
    """Turns cells into field values: choices by code or label, related records by lookup."""

    def __init__(self, reg: Registration, user: Any) -> None:
        self.reg, self.user = reg, user
        self.cache: dict[str, dict[str, Any]] = {}

    def _related_index(self, name: str, f: models.ForeignKey) -> dict[str, Any]:
        if name not in self.cache:
            lookup = self.reg.lookups.get(name)
            model = f.related_model
            qs = model._base_manager.all()
            if model is Organisation:
                qs = qs.filter(country_id=self.user.state_id)
            elif issubclass(model, OwnedModel):
                qs = model.objects.writable_by(self.user)
            index: dict[str, Any] = {}
            fields = lookup.fields if lookup else ("pk",)
            norm = (lookup.normalise if lookup and lookup.normalise else None) or (lambda s: s.casefold().strip())
            for row in qs.values_list("pk", *fields):
                for value in row[1:] if len(row) > 1 else row:
                    # A cell may hold several names separated by ";" (catalogue aliases).
                    for alias in str(value or "").split(";"):
                        if alias.strip():
                            index.setdefault(norm(alias.strip()), row[0])
            self.cache[name] = {"index": index, "norm": norm}
        return self.cache[name]

    def value(self, name: str, cell: str) -> Any:
        f = self.reg.model._meta.get_field(name)
        if cell == "":
            if isinstance(f, models.ForeignKey) and not f.blank:
                raise ValidationError(_("This field is required."))
            return None if f.null else ("" if isinstance(f, models.CharField | models.TextField) else None)
        if isinstance(f, models.ForeignKey):
            entry = self._related_index(name, f)
            pk = entry["index"].get(entry["norm"](cell))
            if pk is None:
                raise ValidationError(_("“%(value)s” is not a known %(what)s.")
                                      % {"value": cell, "what": f.related_model._meta.verbose_name})
            return pk
        if f.choices:
            for code, label in f.flatchoices:
                if cell.casefold() in (str(code).casefold(), str(label).casefold()):
                    return code
            raise ValidationError(_("“%(value)s” is not one of: %(choices)s.")
                                  % {"value": cell, "choices": ", ".join(str(c) for c, _l in f.flatchoices)})
        return f.to_python(cell)


def run_import(
    reg: Registration,
    table: Table,
    user: Any,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    per_row: bool = False,
    progress: Callable[[int], None] | None = None,
    preview_rows: int = 20,
) -> ImportResult:
    if not can_write(user, reg.write_roles):
        raise PermissionDenied(_("Your role cannot import %(what)s.") % {"what": reg.label})
    mapping = mapping or default_mapping(reg, table.headers)
    result = ImportResult(table.file_name, len(table.rows), 0, dry_run, per_row, mapping)
    unknown = [h for h in mapping if h not in table.headers]
    bad_fields = [fname for fname in mapping.values() if fname not in reg.fields]
    if unknown or bad_fields:
        result.errors.append(RowError(1, ", ".join(unknown), ", ".join(bad_fields),
                                      _("The column mapping names columns or fields that do not exist.")))
        return _finish(reg, result, user, [])
    required = [n for n in reg.fields if _is_required(reg.model._meta.get_field(n)) and n not in mapping.values()]
    if required:
        result.errors.append(RowError(1, "", ", ".join(required),
                                      _("Required column(s) missing: %(fields)s.") % {"fields": ", ".join(required)}))
        return _finish(reg, result, user, [])
    column_of = {fname: header for header, fname in mapping.items()}
    resolver = _Resolver(reg, user)
    valid: list[models.Model] = []
    # Related records were resolved from scoped look-ups above: re-checking each one's existence in
    # full_clean would cost a query per cell.
    excluded = [f.name for f in reg.model._meta.concrete_fields
                if not f.editable or (isinstance(f, models.ForeignKey) and f.name in mapping.values())]
    for row_number, cells in iter_cells(table):
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for header, fname in mapping.items():
            try:
                values[reg.model._meta.get_field(fname).attname] = resolver.value(fname, cells[header])
            except ValidationError as exc:
                row_errors.append(RowError(row_number, header, fname, " ".join(exc.messages)))
        if not row_errors:
            instance = reg.model(**values)
            if isinstance(instance, OwnedModel):
                instance.assign_owner(user)
            try:
                instance.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for fname, messages in exc.message_dict.items():
                    row_errors.append(RowError(row_number, column_of.get(fname, ""), fname, " ".join(messages)))
            else:
                valid.append(instance)
                if len(result.preview) < preview_rows:
                    result.preview.append({h: cells[h] for h in mapping})
        result.errors.extend(row_errors)
        if progress and row_number % 1000 == 0:
            progress(1000)
    return _finish(reg, result, user, valid)


def _is_required(f: models.Field) -> bool:
    return not f.blank and f.default is models.NOT_PROVIDED and not f.null


def bulk_write(reg: Registration, instances: list[models.Model], reason: str, user: Any = None,
               run_after_import: bool = True) -> list[models.Model]:
    """Create many records in one transaction: bulk insert, one ledger append, then the app's hook."""
    with transaction.atomic(), acting(**({"user": user} if user is not None else {})):
        for instance in instances:
            instance.prepare()
        created: list[models.Model] = []
        for start in range(0, len(instances), BATCH):
            created.extend(reg.model.objects.bulk_create(instances[start:start + BATCH]))
        ledger.append(ledger.Change(i, "create", None, ledger.snapshot(i), reason) for i in created)
        if reg.after_import and run_after_import:
            reg.after_import(created, user)
    return created


def _finish(reg: Registration, result: ImportResult, user: Any, valid: list[models.Model]) -> ImportResult:
    if not result.dry_run and (result.ok or result.per_row) and valid:
        reason = _("imported from %(file)s") % {"file": result.file_name}
        result.written = len(bulk_write(reg, valid, reason, user))
    status = (ImportJob.Status.PREVIEWED if result.dry_run else
              ImportJob.Status.DONE if result.ok else
              ImportJob.Status.PARTIAL if result.written else ImportJob.Status.REJECTED)
    result.job = ImportJob.objects.create(
        target=reg.key, file_name=result.file_name[:255], user=user if user.pk else None,
        owner_state=user.state_id or "", status=status, rows_total=result.total, rows_written=result.written,
        errors=[e.__dict__ for e in result.errors[:1000]],
    )
    return result
