"""The register's models, registered with core for pages, API, import and export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from armstrace.catalogue.calibres import calibre_key
from armstrace.core import ledger
from armstrace.core.models import Role
from armstrace.core.registration import Lookup, Registration, register

from .models import (
    AmmunitionLot,
    ComponentEvent,
    LotTransaction,
    ManpadsComponent,
    ManpadsSystem,
    Status,
    Weapon,
    WeaponEvent,
    flag_duplicates,
)

COUNTRY = Lookup(("iso3", "iso2", "name_en"))
MAKER = Lookup(("name", "aliases__name"))
MODEL = Lookup(("name", "aliases"))
CALIBRE = Lookup(("key", "name", "aliases"), normalise=calibre_key)
ORG = Lookup(("name",), scoped=True)
# Approvers record the losses and destructions they approve, so they write events too.
CUSTODIANS = frozenset({Role.REGISTRAR, Role.CUSTODIAN, Role.FOCAL_POINT, Role.ADMINISTRATOR})
# Investigators record seizures and recoveries in an item's life when they confirm a register match.
EVENT_WRITERS = CUSTODIANS | {Role.INVESTIGATOR}
ITEM_FIELDS = ["manufacturer", "manufacturer_as_marked", "model", "serial_number", "country_of_manufacture",
               "year_of_manufacture", "other_markings", "marking_condition", "notes"]
ITEM_PROJECTION = ["serial_normalised", "status", "holder_org", "holder_person"]
EVENT_FIELDS = ["item", "kind", "date", "holder_org", "holder_person", "place", "document_reference", "notes"]


def register_imported_items(items: list[Any], user: Any) -> None:
    """Imported items enter the register with a 'registered' event, and duplicates are flagged."""
    if not items:
        return
    model = type(items[0])
    event_model = model._meta.get_field("events").related_model
    today = dt.date.today()
    events = event_model.objects.bulk_create(
        [event_model(item_id=i.pk, kind="registered", date=today, owner_state_id=i.owner_state_id,
                     owner_org_id=i.owner_org_id) for i in items], batch_size=2000)
    ledger.append(ledger.Change(e, "create", None, ledger.snapshot(e), _("registered by import")) for e in events)
    ids = [i.pk for i in items]
    for start in range(0, len(ids), 900):
        model._base_manager.filter(pk__in=ids[start:start + 900], status=Status.UNKNOWN).update(status=Status.IN_STOCK)
    if hasattr(model, "possible_duplicate"):
        flag_duplicates(model, items[0].owner_state_id)


register(Registration(
    Weapon, "weapons",
    fields=["weapon_type", *ITEM_FIELDS[:3], "calibre", *ITEM_FIELDS[3:6], "import_country", "import_year",
            *ITEM_FIELDS[6:]],
    read_only_fields=[*ITEM_PROJECTION, "possible_duplicate"],
    list_columns=["serial_number", "weapon_type", "manufacturer", "model", "calibre", "status", "holder_org",
                  "possible_duplicate"],
    filter_fields=["weapon_type", "status", "manufacturer", "model", "calibre", "marking_condition",
                   "possible_duplicate", "country_of_manufacture", "holder_org"],
    search_fields=["serial_number", "serial_normalised", "manufacturer_as_marked", "other_markings"],
    write_roles=CUSTODIANS, menu="register", children=[("events", "weapon-events")],
    lookups={"manufacturer": MAKER, "model": MODEL, "calibre": CALIBRE, "country_of_manufacture": COUNTRY,
             "import_country": COUNTRY},
    after_import=register_imported_items,
))
register(Registration(
    WeaponEvent, "weapon-events", fields=EVENT_FIELDS,
    list_columns=["item", "kind", "date", "holder_org", "holder_person", "place"],
    filter_fields=["kind", "holder_org"], search_fields=["item__serial_number", "place", "document_reference"],
    write_roles=EVENT_WRITERS, parent_field="item", lookups={"item": Lookup(("serial_number",)), "holder_org": ORG},
    default_ordering="-date",
))
register(Registration(
    ManpadsSystem, "manpads-systems", fields=["designation", "model", "notes"],
    list_columns=["designation", "model"], search_fields=["designation"], write_roles=CUSTODIANS,
    menu="register", children=[("components", "manpads-components")], lookups={"model": MODEL},
))
register(Registration(
    ManpadsComponent, "manpads-components",
    fields=["component", "system", *ITEM_FIELDS[:4], "lot_number", *ITEM_FIELDS[4:]],
    read_only_fields=ITEM_PROJECTION,
    list_columns=["serial_number", "component", "model", "system", "status", "holder_org"],
    filter_fields=["component", "status", "model", "holder_org"],
    search_fields=["serial_number", "serial_normalised", "lot_number"], write_roles=CUSTODIANS, menu="register",
    parent_field="system", children=[("events", "component-events")],
    lookups={"manufacturer": MAKER, "model": MODEL, "country_of_manufacture": COUNTRY,
             "system": Lookup(("designation",))},
    after_import=register_imported_items,
))
register(Registration(
    ComponentEvent, "component-events", fields=EVENT_FIELDS,
    list_columns=["item", "kind", "date", "holder_org", "place"], filter_fields=["kind"],
    search_fields=["item__serial_number"], write_roles=EVENT_WRITERS, parent_field="item",
    lookups={"item": Lookup(("serial_number",)), "holder_org": ORG}, default_ordering="-date",
))
register(Registration(
    AmmunitionLot, "lots",
    fields=["description", "manufacturer", "calibre", "lot_number", "year", "headstamp", "hazard_division",
            "compatibility_group", "neq_per_unit_kg", "unit", "condition", "holder_org"],
    list_columns=["lot_number", "description", "manufacturer", "calibre", "hazard_division",
                  "compatibility_group", "condition", "holder_org"],
    filter_fields=["hazard_division", "compatibility_group", "condition", "manufacturer", "holder_org"],
    search_fields=["lot_number", "description", "headstamp"], write_roles=CUSTODIANS, menu="register",
    children=[("transactions", "lot-transactions")],
    lookups={"manufacturer": MAKER, "calibre": CALIBRE, "holder_org": ORG},
))
register(Registration(
    LotTransaction, "lot-transactions", fields=["lot", "kind", "quantity", "date", "reference", "notes"],
    read_only_fields=["delta"], list_columns=["lot", "kind", "quantity", "date", "reference"],
    filter_fields=["kind"], search_fields=["reference", "lot__lot_number"], write_roles=CUSTODIANS,
    parent_field="lot", lookups={"lot": Lookup(("lot_number",))}, default_ordering="-date",
))
