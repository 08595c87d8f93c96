"""Builds forms, tables, filter sets and serializers from a Registration (cached per key)."""

from __future__ import annotations

import functools
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Organisation, OwnedModel
from .registration import REGISTRY, Registration


def _scope_choices(form: forms.BaseForm, user: Any) -> None:
    """Related-record dropdowns offer only what the user may see (organisations of their State)."""
    for f in form.fields.values():
        qs = getattr(f, "queryset", None)
        if qs is None:
            continue
        if qs.model is Organisation:
            f.queryset = qs.filter(country_id=user.state_id) if user.state_id else qs.none()
        elif issubclass(qs.model, OwnedModel):
            f.queryset = qs.model.objects.visible_to(user)


class RecordForm(forms.ModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            _scope_choices(self, user)

    def save_kwargs(self) -> dict[str, Any]:
        """Extra arguments for the registration's writer (e.g. the second person)."""
        return {}


class AmendmentForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required: kept in the record's history."))


def _date_widgets(model: type[models.Model], fields: list[str]) -> dict[str, forms.Widget]:
    return {
        name: forms.DateInput(attrs={"type": "date"})
        for name in fields
        if isinstance(model._meta.get_field(name), models.DateField)
    }


@functools.cache
def form_class(key: str, amend: bool = False) -> type[forms.ModelForm]:
    reg = REGISTRY[key]
    base = reg.form_base or RecordForm
    if amend:
        base = type(f"Amend{base.__name__}", (base,), {"reason": AmendmentForm.base_fields["reason"]})
    fields = [f for f in reg.fields if not (amend and f == reg.parent_field)]
    return forms.modelform_factory(reg.model, form=base, fields=fields, widgets=_date_widgets(reg.model, fields))


def search_q(reg: Registration, text: str) -> Q:
    q = Q()
    for name in reg.search_fields:
        q |= Q(**{f"{name}__icontains": text})
    return q


@functools.cache
def filterset_class(key: str) -> type[django_filters.FilterSet]:
    reg = REGISTRY[key]

    def search(queryset: Any, _name: str, value: str) -> Any:
        return queryset.filter(search_q(reg, value.strip())) if value.strip() else queryset

    attrs: dict[str, Any] = {
        "q": django_filters.CharFilter(label=_("Search"), method=search),
        "Meta": type("Meta", (), {"model": reg.model, "fields": reg.filter_fields}),
    }
    return type(f"{reg.model.__name__}FilterSet", (django_filters.FilterSet,), attrs)


@functools.cache
def table_class(key: str) -> type[tables.Table]:
    reg = REGISTRY[key]
    first, *rest = reg.list_columns
    attrs: dict[str, Any] = {
        first: tables.Column(linkify=lambda record: record.get_absolute_url()),
        "Meta": type("Meta", (), {"model": reg.model, "fields": reg.list_columns,
                                  "attrs": {"class": "table"}, "order_by": reg.default_ordering}),
    }
    return type(f"{reg.model.__name__}Table", (tables.Table,), attrs)


@functools.cache
def serializer_class(key: str) -> type[serializers.ModelSerializer]:
    reg = REGISTRY[key]
    owned = issubclass(reg.model, OwnedModel)
    extra = ["owner_state"] if owned else []
    fields = ["id", *reg.fields, *reg.read_only_fields, *extra]
    meta = type("Meta", (), {"model": reg.model, "fields": fields,
                             "read_only_fields": ["id", *reg.read_only_fields, *extra]})
    return type(f"{reg.model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})
