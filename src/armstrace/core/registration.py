"""One way to add a thing: register a model once, get pages, API, import, export and search.

Each app's `registration.py` declares its models here; core builds the forms, tables, filter
sets, serializers, URLs and API routes from these declarations (see core.factories).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .permissions import WRITERS


@dataclass
class Lookup:
    """How an import column names a related record: the fields to match a cell against."""

    fields: tuple[str, ...]
    normalise: Callable[[str], str] | None = None
    scoped: bool = False  # True: only the importing user's State's records (e.g. organisations)


@dataclass
class Registration:
    model: type[models.Model]
    key: str  # URL segment and command-line name, e.g. "weapons"
    fields: list[str]  # editable in forms, API and import
    list_columns: list[str]
    filter_fields: list[str] = field(default_factory=list)
    search_fields: list[str] = field(default_factory=list)
    read_only_fields: list[str] = field(default_factory=list)  # shown, never edited (projections)
    write_roles: frozenset[str] = WRITERS
    menu: str = ""  # navigation group; empty: not in the menu (reached from a parent)
    parent_field: str | None = None  # e.g. "item" for events: created from the parent's page
    children: list[tuple[str, str]] = field(default_factory=list)  # (related_name, registration key)
    lookups: dict[str, Lookup] = field(default_factory=dict)
    after_import: Callable[[list[Any], Any], None] | None = None
    default_ordering: str = "-pk"
    # Optional: the form class to build on (extra fields such as a second person's credentials),
    # and the function that saves one record instead of services.save_record (same signature
    # plus the form's or request's `save_kwargs()`).
    actions: list[tuple[Any, str]] = field(default_factory=list)  # (label, URL name taking the record's pk)
    after_create_url: Callable[[Any], str] | None = None  # where a new record's page flow continues
    form_base: Any = None
    writer: Callable[..., Any] | None = None

    @property
    def label(self) -> Any:
        return self.model._meta.verbose_name_plural

    @property
    def export_fields(self) -> list[str]:
        return ["id", *self.fields, *self.read_only_fields]


REGISTRY: dict[str, Registration] = {}

# Extra sections of the global search page: callables (user, text) -> {"template": ..., ...} or None.
search_providers: list[Callable[[Any, str], dict[str, Any] | None]] = []


def register(registration: Registration) -> Registration:
    if registration.key in REGISTRY:
        raise ValueError(f"{registration.key} is registered twice")
    REGISTRY[registration.key] = registration
    return registration


def for_model(model: type[models.Model] | models.Model) -> Registration | None:
    model_cls = model if isinstance(model, type) else type(model)
    return next((r for r in REGISTRY.values() if r.model is model_cls), None)
