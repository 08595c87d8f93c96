"""Generic pages for every registered model: list, detail, add, amend, history, export, import.

Each view takes the registration key from the URL; scoping comes from the model's queryset
(`visible_to` / `writable_by`) and writing goes through services.save_record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from . import exporting, factories, ledger
from .importing import run_import
from .models import Organisation, OwnedModel, Share
from .permissions import can_share, can_write
from .registration import REGISTRY, Registration
from .services import save_record
from .tabular import TabularError, read_table


class RegisteredView(LoginRequiredMixin, View):
    reg: Registration

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        try:
            self.reg = REGISTRY[kwargs["key"]]
        except KeyError as exc:
            raise Http404(_("No such kind of record.")) from exc

    def visible(self) -> Any:
        return self.reg.model.objects.visible_to(self.request.user)

    def filtered(self) -> Any:
        fs = factories.filterset_class(self.reg.key)(self.request.GET or None, queryset=self.visible(),
                                                      request=self.request)
        return fs, (fs.qs if fs.is_bound and fs.is_valid() else self.visible())

    def context(self, **extra: Any) -> dict[str, Any]:
        return {"reg": self.reg, "opts": self.reg.model._meta, "key": self.reg.key,
                "can_write": can_write(self.request.user, self.reg.write_roles), **extra}


def for_listing(reg: Registration, queryset: Any) -> Any:
    """What a list needs in one query: related records of its columns joined, large JSON deferred
    (a count's expected list can be megabytes)."""
    from django.db.models import ForeignKey, JSONField

    fields = reg.model._meta.concrete_fields
    large = [f.name for f in fields if isinstance(f, JSONField) and f.name not in reg.list_columns]
    related = [f.name for f in fields if isinstance(f, ForeignKey) and f.name in reg.list_columns]
    queryset = queryset.select_related(*related) if related else queryset
    return queryset.defer(*large) if large else queryset


class ListRecords(RegisteredView):
    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        fs, qs = self.filtered()
        qs = for_listing(self.reg, qs)
        table = factories.table_class(key)(qs)
        RequestConfig(request, paginate={"per_page": 25}).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        return render(request, "web/list.html", self.context(filter=fs, table=table, query=query.urlencode()))


def detail_fields(obj: Any, reg: Registration) -> list[tuple[str, Any]]:
    out = []
    for name in [*reg.fields, *reg.read_only_fields]:
        f = obj._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if f.choices else getattr(obj, name)
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        out.append((f.verbose_name, value))
    return out


class RecordDetail(RegisteredView):
    def get(self, request: HttpRequest, key: str, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.visible(), pk=pk)
        children = []
        for _related_name, child_key in self.reg.children:
            child_reg = REGISTRY[child_key]
            child_qs = for_listing(child_reg, child_reg.model.objects.visible_to(request.user).filter(
                **{child_reg.parent_field: obj}))
            table = factories.table_class(child_key)(list(child_qs.order_by(child_reg.default_ordering)[:200]))
            children.append({"reg": child_reg, "table": table,
                             "can_add": can_write(request.user, child_reg.write_roles) and self._owned(obj)})
        attachments = []
        if isinstance(obj, OwnedModel):
            from armstrace.registry.models import Attachment

            attachments = Attachment.objects.visible_to(request.user).filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        return render(request, "web/detail.html", self.context(
            object=obj, fields=detail_fields(obj, self.reg), children=children,
            history=ledger.history(obj), attachments=attachments, owned=self._owned(obj),
            can_share=can_share(request.user) and self._owned(obj) and isinstance(obj, OwnedModel),
            organisations=Organisation.objects.exclude(country_id=request.user.state_id)[:500],
        ))

    def _owned(self, obj: Any) -> bool:
        return not isinstance(obj, OwnedModel) or obj.owner_state_id == self.request.user.state_id


class EditRecord(RegisteredView):
    """Add (no pk) or amend (pk, with a mandatory reason) a record."""

    def _form(self, pk: int | None, data: Any = None, files: Any = None) -> Any:
        user = self.request.user
        if not can_write(user, self.reg.write_roles):
            raise PermissionDenied(_("Your role cannot change %(what)s.") % {"what": self.reg.label})
        instance = get_object_or_404(self.reg.model.objects.writable_by(user), pk=pk) if pk else None
        initial = {}
        if not pk and self.reg.parent_field:
            initial = {self.reg.parent_field: self.request.GET.get(self.reg.parent_field)}
        return factories.form_class(self.reg.key, amend=bool(pk))(data, files, instance=instance, user=user,
                                                                     initial=initial)

    def get(self, request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
        form = self._form(pk)
        return render(request, "web/form.html", self.context(form=form, object=form.instance if pk else None))

    def post(self, request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
        form = self._form(pk, request.POST, request.FILES)
        if form.is_valid():
            try:
                writer = self.reg.writer or save_record
                obj = writer(form.instance, request.user, reason=form.cleaned_data.get("reason"), **form.save_kwargs())
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for field_name, field_errors in errors.items():
                    form.add_error(field_name if field_name in form.fields else None, field_errors)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": obj})
                for warning in getattr(obj, "warnings", []):
                    messages.warning(request, warning)
                if not pk and self.reg.after_create_url:
                    return redirect(self.reg.after_create_url(obj))
                return redirect(_after_save_url(self.reg, obj))
        return render(request, "web/form.html", self.context(form=form, object=form.instance if pk else None))


def _after_save_url(reg: Registration, obj: Any) -> str:
    if reg.parent_field:
        parent = getattr(obj, reg.parent_field)
        from .registration import for_model

        parent_reg = for_model(parent) if parent is not None else None
        if parent_reg:
            return reverse("record-detail", args=[parent_reg.key, parent.pk])
    return reverse("record-detail", args=[reg.key, obj.pk])


class ExportRecords(RegisteredView):
    def get(self, request: HttpRequest, key: str, fmt: str) -> HttpResponse:
        if fmt not in exporting.FORMATS:
            raise Http404(_("Unknown export format."))
        _fs, qs = self.filtered()
        body = exporting.export(self.reg, qs.order_by("pk"), fmt)
        name = f"{key}.{fmt}"
        if isinstance(body, bytes):
            response: HttpResponse = HttpResponse(body, content_type=exporting.FORMATS[fmt])
        else:
            response = StreamingHttpResponse(body, content_type=exporting.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ImportRecords(RegisteredView):
    """Upload → preview (dry run, with the column mapping) → import, all-or-nothing or per row."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        if not can_write(request.user, self.reg.write_roles):
            raise PermissionDenied(_("Your role cannot import %(what)s.") % {"what": self.reg.label})
        return render(request, "web/import.html", self.context())

    def post(self, request: HttpRequest, key: str) -> HttpResponse:
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a CSV or XLSX file to import."))
            return render(request, "web/import.html", self.context())
        data = upload.read(settings.ARMSTRACE_MAX_IMPORT_BYTES + 1)
        per_row = request.POST.get("mode") == "per_row"
        dry_run = request.POST.get("action") != "import"
        mapping = {h: f for h, f in ((k[4:], v) for k, v in request.POST.items() if k.startswith("map:")) if f}
        try:
            table = read_table(upload.name, data)
            result = run_import(self.reg, table, request.user, mapping=mapping or None, dry_run=dry_run,
                                per_row=per_row)
        except TabularError as exc:
            messages.error(request, exc.message)
            return render(request, "web/import.html", self.context())
        if not dry_run and result.written:
            messages.success(request, _("%(n)d rows imported from %(file)s.") % {"n": result.written,
                                                                                   "file": upload.name})
        return render(request, "web/import.html", self.context(
            result=result, headers=table.headers, field_choices=self.reg.fields, per_row=per_row,
            error_lines=[e.as_text(upload.name) for e in result.errors[:200]],
        ))


class ImportErrorReport(LoginRequiredMixin, View):
    """The rows an import refused, as CSV (file, row, column, field, error)."""

    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        from .importing import ImportResult, RowError
        from .models import ImportJob

        job = get_object_or_404(ImportJob, pk=job_id, user=request.user)
        result = ImportResult(job.file_name, job.rows_total, job.rows_written, False, True, {},
                              errors=[RowError(**e) for e in job.errors])
        response = HttpResponse(result.error_report_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response


class ShareRecord(RegisteredView):
    def post(self, request: HttpRequest, key: str, pk: int) -> HttpResponse:
        if not can_share(request.user):
            raise PermissionDenied(_("Your role cannot share records."))
        obj = get_object_or_404(self.reg.model.objects.writable_by(request.user), pk=pk)
        org = get_object_or_404(Organisation, pk=request.POST.get("organisation"))
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, _("Say why the record is shared."))
        else:
            share_record(obj, org, request.user, reason)
            messages.success(request, _("Shared with %(org)s.") % {"org": org})
        return redirect("record-detail", key, pk)


def share_record(obj: Any, org: Organisation, user: Any, reason: str) -> Share:
    """Share a record read-only with an organisation, with its registered children (a seizure's items)."""
    from .registration import for_model

    share, _created = Share.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, organisation=org,
        defaults={"shared_by": user, "reason": reason})
    ledger.append([ledger.Change(obj, "share", None, {"shared_with": org.pk, "organisation": org.name}, reason)])
    reg = for_model(obj)
    for related_name, _child_key in (reg.children if reg else []):
        for child in getattr(obj, related_name).all():
            if isinstance(child, OwnedModel):
                share_record(child, org, user, reason)
    return share


class AttachFile(RegisteredView):
    def post(self, request: HttpRequest, key: str, pk: int) -> HttpResponse:
        from armstrace.registry.models import Attachment

        obj = get_object_or_404(self.reg.model.objects.writable_by(request.user), pk=pk)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to attach."))
            return redirect("record-detail", key, pk)
        attachment = Attachment(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                kind=request.POST.get("kind", "photo"), file=upload,
                                caption=request.POST.get("caption", "")[:200])
        try:
            save_record(attachment, request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("record-detail", key, pk)


class DownloadAttachment(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from armstrace.registry.models import Attachment

        attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
        return FileResponse(attachment.file.open("rb"), filename=attachment.file.name.rsplit("/", 1)[-1])
