"""Illicit-trafficking models registered with core: pages, API, import, export, history, sharing."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import Role
from armstrace.core.registration import Lookup, Registration, register

from .models import DiversionGroup, Notification, SeizedItem, Seizure, SeizureParty, TracingRequest

INVESTIGATORS = frozenset({Role.INVESTIGATOR, Role.REGISTRAR, Role.ADMINISTRATOR})
ANALYSTS = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.ADMINISTRATOR, Role.FOCAL_POINT})
COUNTRY = Lookup(("iso3", "iso2", "name_en"))

register(Registration(
    Seizure, "seizures",
    fields=["reference", "recovery", "date", "place", "region", "latitude", "longitude", "seizing_agency",
            "legal_context", "criminal_context", "border_crossing", "origin_country", "transit",
            "destination_country", "cash_usd", "sources", "summary"],
    list_columns=["reference", "date", "recovery", "place", "legal_context", "criminal_context"],
    filter_fields=["recovery", "region", "legal_context", "criminal_context", "origin_country",
                   "destination_country"],
    search_fields=["reference", "place", "summary", "border_crossing"], write_roles=INVESTIGATORS, menu="illicit",
    children=[("items", "seized-items"), ("parties", "seizure-parties")], actions=[(_("On the map"), "seizure-map")],
    lookups={"seizing_agency": Lookup(("name",), scoped=True), "origin_country": COUNTRY,
             "destination_country": COUNTRY},
    default_ordering="-date",
))
register(Registration(
    SeizedItem, "seized-items",
    fields=["seizure", "category", "weapon_type", "manufacturer", "manufacturer_as_read", "model", "calibre",
            "serial_as_read", "other_markings", "import_country", "import_year", "year_of_manufacture", "lot_number",
            "headstamp", "quantity", "mass_kg", "description", "diversion_established", "diversion_how"],
    read_only_fields=["match_status", "matched_weapon", "matched_component"],
    list_columns=["id", "seizure", "category", "weapon_type", "model", "serial_as_read", "lot_number", "quantity",
                  "match_status"],
    filter_fields=["category", "weapon_type", "match_status", "diversion_established", "manufacturer", "model"],
    search_fields=["serial_as_read", "serial_normalised", "lot_number", "headstamp", "description"],
    write_roles=INVESTIGATORS, menu="illicit", parent_field="seizure",
    actions=[(_("Register matches"), "seized-item-match"), (_("Tracing request"), "seized-item-trace")],
    after_create_url=lambda item: reverse("seized-item-match", args=[item.pk]),
    lookups={"seizure": Lookup(("reference",)), "manufacturer": Lookup(("name", "aliases__name")),
             "model": Lookup(("name", "aliases")), "calibre": Lookup(("name", "aliases")),
             "import_country": COUNTRY},
))
register(Registration(
    SeizureParty, "seizure-parties", fields=["seizure", "kind", "name", "role", "nationality", "identifier"],
    list_columns=["name", "kind", "role", "nationality", "seizure"], filter_fields=["kind", "nationality"],
    search_fields=["name", "identifier"], write_roles=INVESTIGATORS, parent_field="seizure",
    lookups={"seizure": Lookup(("reference",)), "nationality": COUNTRY},
))
register(Registration(
    TracingRequest, "tracing-requests",
    fields=["direction", "reference", "seized_item", "counterpart", "addressed_as", "urgent", "weapon_type", "make",
            "model_name", "calibre_name", "serial", "markings", "circumstances", "illicit_character",
            "intended_use"],
    read_only_fields=["status", "sent_on", "due_on", "acknowledged_on", "answered_on", "answer_last_legal_holder",
                      "answer_point_of_diversion", "answer_how_established", "answer_text"],
    list_columns=["reference", "direction", "counterpart", "status", "sent_on", "due_on", "answered_on"],
    filter_fields=["direction", "status", "counterpart", "urgent"], search_fields=["reference", "serial", "make"],
    write_roles=INVESTIGATORS, menu="illicit",
    actions=[(_("Progress and answer"), "tracing-progress"), (_("Print"), "tracing-print"),
             (_("Export file"), "tracing-export")],
    lookups={"counterpart": COUNTRY, "seized_item": Lookup(("serial_as_read",))}, default_ordering="-pk",
))
register(Registration(
    Notification, "notifications", fields=["acknowledged"], list_columns=["id", "message", "acknowledged"],
    filter_fields=["acknowledged"], search_fields=["message"], write_roles=ANALYSTS | INVESTIGATORS,
    menu="illicit",
))
register(Registration(
    DiversionGroup, "diversion-groups", fields=["decision", "decision_reason"],
    read_only_fields=["key", "kinds", "confidence", "item_ids", "seizure_ids"],
    list_columns=["key", "kinds", "confidence", "decision"], filter_fields=["decision"], write_roles=ANALYSTS,
    menu="illicit", default_ordering="-confidence",
))
