"""Stockpile models registered with core: pages, API, import and export come from here."""

from django.utils.translation import gettext_lazy as _

from armstrace.core.models import Role
from armstrace.core.registration import Lookup, Registration, register

from .forms import MovementForm
from .models import (
    CountEntry,
    Destruction,
    DestructionLine,
    Discrepancy,
    DisposalDecision,
    Exposure,
    SecurityAssessment,
    Site,
    StockMovement,
    Stocktake,
    StorageUnit,
    StoreAccess,
    Transfer,
    TransferLine,
)
from .services import record_movement, save_countersigned

CUSTODY = frozenset({Role.CUSTODIAN, Role.ADMINISTRATOR, Role.FOCAL_POINT})
MANAGERS = frozenset({Role.ADMINISTRATOR, Role.FOCAL_POINT})
ORG = Lookup(("name",), scoped=True)
SERIAL = Lookup(("serial_number", "serial_normalised"))

register(Registration(
    Site, "sites", fields=["name", "kind", "status", "region", "latitude", "longitude", "owning_unit",
                           "target_rrpl", "estimated_manpads", "notes"],
    list_columns=["name", "kind", "region", "status", "target_rrpl", "estimated_manpads"],
    filter_fields=["kind", "status", "region"], search_fields=["name", "region"], write_roles=MANAGERS,
    menu="stockpile", children=[("units", "storage-units"), ("assessments", "assessments"),
                                ("stocktakes", "stocktakes")],
    lookups={"owning_unit": ORG}, default_ordering="name",
    actions=[(_("Holdings"), "site-holdings"), (_("Explosives safety"), "site-safety"),
             (_("Security assessment"), "site-assessment")],
))
register(Registration(
    StorageUnit, "storage-units", fields=["site", "name", "kind", "latitude", "longitude", "licensed_neq_kg"],
    list_columns=["name", "site", "kind", "licensed_neq_kg"], filter_fields=["site", "kind"],
    search_fields=["name", "site__name"], write_roles=MANAGERS, parent_field="site",
    lookups={"site": Lookup(("name",))}, default_ordering="name",
))
register(Registration(
    StockMovement, "movements",
    fields=["kind", "date", "storage_unit", "weapon", "component", "lot", "quantity", "counterpart",
            "counterpart_person", "reverses", "reference", "reason"],
    read_only_fields=["site", "delta", "second_person", "transfer"],
    list_columns=["date", "kind", "site", "storage_unit", "weapon", "component", "lot", "delta", "reference"],
    filter_fields=["kind", "site", "storage_unit", "date"],
    search_fields=["reference", "weapon__serial_number", "component__serial_number", "lot__lot_number"],
    write_roles=CUSTODY, menu="stockpile",
    lookups={"storage_unit": Lookup(("name",)), "weapon": SERIAL, "component": SERIAL,
             "lot": Lookup(("lot_number",)), "counterpart": ORG},
    default_ordering="-date", form_base=MovementForm, writer=record_movement,
))
register(Registration(
    Transfer, "transfers", fields=["reference", "from_unit", "to_site", "dispatched_on", "escort", "notes"],
    read_only_fields=["status", "received_on", "received_into"],
    list_columns=["reference", "from_unit", "to_site", "status", "dispatched_on", "received_on"],
    filter_fields=["status", "to_site"], search_fields=["reference"], write_roles=CUSTODY, menu="stockpile",
    children=[("lines", "transfer-lines")],
    actions=[(_("Hand to escort (in transit)"), "transfer-in-transit"), (_("Receive"), "transfer-receive")],
))
register(Registration(
    TransferLine, "transfer-lines",
    fields=["transfer", "weapon", "component", "lot", "quantity_sent"], read_only_fields=["quantity_received"],
    list_columns=["transfer", "weapon", "component", "lot", "quantity_sent", "quantity_received"],
    write_roles=CUSTODY, parent_field="transfer",
))
register(Registration(
    Discrepancy, "discrepancies", fields=["line", "expected", "received", "status", "resolution"],
    list_columns=["line", "expected", "received", "status"], filter_fields=["status"], write_roles=CUSTODY,
    menu="stockpile",
))
register(Registration(
    Stocktake, "stocktakes", fields=["site", "storage_unit", "kind", "blind", "manpads_only"],
    read_only_fields=["status", "started_on", "decided_by", "decision_reason"],
    list_columns=["id", "site", "storage_unit", "kind", "status", "started_on"],
    filter_fields=["status", "kind", "site"], write_roles=CUSTODY, menu="stockpile", parent_field="site",
    actions=[(_("Count"), "stocktake")],
))
register(Registration(
    CountEntry, "count-entries", fields=["stocktake", "serial", "quantity", "is_lot"],
    list_columns=["serial", "quantity", "is_lot", "counted_by"], write_roles=CUSTODY, parent_field="stocktake",
))
register(Registration(
    Exposure, "exposures", fields=["name", "kind", "latitude", "longitude"],
    list_columns=["name", "kind", "latitude", "longitude"], filter_fields=["kind"], search_fields=["name"],
    write_roles=MANAGERS, menu="stockpile",
))
register(Registration(
    SecurityAssessment, "assessments", fields=["site", "date", "answers", "notes"],
    read_only_fields=["level", "scores"], list_columns=["site", "date", "level"], filter_fields=["site", "level"],
    write_roles=MANAGERS, parent_field="site", default_ordering="-date",
))
register(Registration(
    DisposalDecision, "disposal-decisions", fields=["weapon", "component", "lot", "decision", "reason"],
    list_columns=["id", "weapon", "component", "lot", "decision"], filter_fields=["decision"],
    write_roles=MANAGERS, menu="stockpile", lookups={"weapon": SERIAL, "component": SERIAL,
                                                     "lot": Lookup(("lot_number",))},
))
register(Registration(
    Destruction, "destructions", fields=["certificate_number", "site", "method", "date", "place", "witnesses",
                                         "notes"],
    read_only_fields=["completed"], list_columns=["certificate_number", "site", "method", "date", "completed"],
    filter_fields=["method", "site"], search_fields=["certificate_number"], write_roles=MANAGERS,
    menu="stockpile", actions=[(_("Items and completion"), "destruction"), (_("Certificate"), "certificate")],
    children=[("lines", "destruction-lines")],
))
register(Registration(
    DestructionLine, "destruction-lines", fields=["destruction", "weapon", "component", "lot", "quantity"],
    list_columns=["id", "weapon", "component", "lot", "quantity"], write_roles=MANAGERS,
    parent_field="destruction",
))
register(Registration(
    StoreAccess, "store-accesses", fields=["storage_unit", "entered_at", "left_at", "purpose"],
    read_only_fields=["second_person"], list_columns=["storage_unit", "entered_at", "left_at", "purpose"],
    filter_fields=["storage_unit"], write_roles=CUSTODY, menu="stockpile", form_base=MovementForm,
    writer=save_countersigned,
    default_ordering="-entered_at",
))
