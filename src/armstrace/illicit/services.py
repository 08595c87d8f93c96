"""Seizure matching, owner notification, tracing-request life cycle and exchange, diversion analysis.

Every change goes through save_record/amend (ledgered, scoped); what the pure `armstrace.diversion`
library computes (groups, 16.4.2, deadlines) is only ever derived from these records.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from armstrace import __version__
from armstrace.core.models import Country
from armstrace.core.services import amend, save_record
from armstrace.identify.service import service as marking
from armstrace.registry.models import ComponentEvent, WeaponEvent

from .models import DiversionGroup, Notification, SeizedItem, TracingRequest

EXCHANGE_FORMAT = "armstrace.tracing-request/1"


# ------------------------------------------------------------------ matching seized items
def candidates(item: SeizedItem, user: Any, limit: int = 5) -> list[Any]:
    """Register records the seized item may be, from whatever markings were read."""
    if not item.serial_as_read.strip() or not item.is_arm:
        return []
    attributes = {"manufacturer": str(item.manufacturer or item.manufacturer_as_read or "") or None,
                  "model": str(item.model) if item.model else None,
                  "calibre": str(item.calibre) if item.calibre else None}
    return marking.search(user, item.serial_as_read, limit=limit, **attributes)


def confirm_match(item: SeizedItem, record: Any, user: Any, reason: str = "") -> SeizedItem:
    """Link the seized item to its register record; record the seizure in the item's life; tell the owner."""
    if item.owner_state_id != user.state_id:
        raise PermissionDenied(_("This seizure belongs to another State."))
    from armstrace.registry.models import Weapon

    if not type(record).objects.visible_to(user).filter(pk=record.pk).exists():
        raise PermissionDenied(_("You cannot see this record."))
    was = record.status
    with transaction.atomic():
        fields: dict[str, Any] = {"match_status": SeizedItem.Match.CONFIRMED}
        fields["matched_weapon" if isinstance(record, Weapon) else "matched_component"] = record
        if was in ("lost", "stolen") and not item.diversion_established:
            how = _("register match: reported %(status)s") % {"status": record.get_status_display()}
            fields.update(diversion_established=True, diversion_how=how)
        amend(item, user, reason or _("match confirmed by the investigator"), **fields)
        if record.owner_state_id == user.state_id:
            event_model = WeaponEvent if isinstance(record, Weapon) else ComponentEvent
            kind = "recovered" if was in ("lost", "stolen") else "seized"
            if was != "destroyed":
                save_record(event_model(item=record, kind=kind, date=item.seizure.date, place=item.seizure.place,
                                        document_reference=item.seizure.reference,
                                        notes=_("seized item %(id)d") % {"id": item.pk}), user)
        notify_owner(item, record, was, user)
    return item


def notify_owner(item: SeizedItem, record: Any, was: str, user: Any) -> Notification | None:
    """A match to a lost or stolen record, or to another organisation's record, notifies its owner."""
    other_owner = record.owner_org_id and record.owner_org_id != user.organisation_id
    if was not in ("lost", "stolen") and not other_owner:
        return None
    if record.owner_org_id is None:
        return None
    from armstrace.registry.models import Weapon

    message = _("%(record)s (%(status)s) was identified in seizure %(seizure)s on %(date)s at %(place)s.") % {
        "record": record, "status": record.get_status_display() if was == record.status else was,
        "seizure": item.seizure.reference, "date": item.seizure.date, "place": item.seizure.place}
    notification = Notification(recipient_id=record.owner_org_id, seized_item=item, message=message,
                                owner_state_id=record.owner_state_id, owner_org_id=record.owner_org_id,
                                **({"weapon": record} if isinstance(record, Weapon) else {"component": record}))
    notification.save()
    return notification


def reject_candidates(item: SeizedItem, user: Any, reason: str) -> SeizedItem:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the candidates were rejected.")})
    return amend(item, user, reason, match_status=SeizedItem.Match.REJECTED)


# ------------------------------------------------------------------ tracing requests
def response_days(urgent: bool) -> int:
    return int(getattr(settings, "ARMSTRACE_TRACE_URGENT_DAYS" if urgent else "ARMSTRACE_TRACE_RESPONSE_DAYS",
                       2 if urgent else 28))


def draft_from_item(item: SeizedItem, counterpart: Country, user: Any, **texts: Any) -> TracingRequest:
    """A draft request carrying what the Instrument asks for, filled from the seized item."""
    request = TracingRequest(
        reference=texts.pop("reference", "") or f"TR-{item.seizure.reference}-{item.pk}", seized_item=item,
        counterpart=counterpart, weapon_type=item.weapon_type,
        make=str(item.manufacturer or item.manufacturer_as_read or ""), model_name=str(item.model or ""),
        calibre_name=str(item.calibre or ""), serial=item.serial_as_read,
        markings="\n".join(filter(None, [item.serial_as_read, item.other_markings,
                                         f"import: {item.import_country_id} {item.import_year}"
                                         if item.import_country_id else ""])),
        circumstances=texts.pop("circumstances", "") or f"{item.seizure.get_recovery_display()} "
        f"{item.seizure.date} {item.seizure.place}; {item.seizure.get_criminal_context_display()}",
        **texts)
    return save_record(request, user)


TRANSITIONS = {
    "send": ({"draft"}, "sent"),
    "acknowledge": ({"sent"}, "acknowledged"),
    "answer": ({"sent", "acknowledged", "partial"}, "answered"),
    "partial": ({"sent", "acknowledged"}, "partial"),
    "no_response": ({"sent", "acknowledged"}, "no_response"),
    "close": ({"answered", "partial", "no_response", "acknowledged", "sent"}, "closed"),
}


def advance(tr: TracingRequest, action: str, user: Any, *, on: dt.date | None = None, **answer: str) -> TracingRequest:
    """Move a request along draft → sent → acknowledged → answered / partially answered / no response → closed."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    allowed, target = TRANSITIONS[action]
    if tr.status not in allowed:
        raise ValidationError(_("A request that is “%(status)s” cannot be moved to “%(target)s”.")
                              % {"status": tr.get_status_display(), "target": TracingRequest.Status(target).label})
    on = on or dt.date.today()
    changes: dict[str, Any] = {"status": target}
    if action == "send":
        changes.update(sent_on=on, due_on=on + dt.timedelta(days=response_days(tr.urgent)))
    elif action == "acknowledge":
        changes.update(acknowledged_on=on)
    elif action in ("answer", "partial"):
        if not any(v.strip() for v in answer.values()):
            raise ValidationError(_("Record what the answer said."))
        changes.update(answered_on=on, **{f"answer_{k}": v for k, v in answer.items() if v is not None})
    elif action == "no_response" and tr.due_on and on <= tr.due_on:
        raise ValidationError(_("The response is not due until %(date)s.") % {"date": tr.due_on})
    with transaction.atomic():
        amend(tr, user, _("tracing request: %(action)s") % {"action": TracingRequest.Status(target).label}, **changes)
        if action in ("answer", "partial") and tr.seized_item_id and answer.get("point_of_diversion", "").strip():
            item = tr.seized_item
            amend(item, user, _("point of diversion established by trace %(ref)s") % {"ref": tr.reference},
                  diversion_established=True,
                  diversion_how=_("trace answered by %(state)s") % {"state": tr.counterpart})
    return tr


def reminders(tr: TracingRequest, today: dt.date | None = None) -> list[dt.date]:
    """The coming reminder dates of a request still waiting for its answer (weekly, then the due date)."""
    from armstrace.diversion.deadlines import reminder_dates

    if tr.status not in ("sent", "acknowledged") or not (tr.sent_on and tr.due_on):
        return []
    today = today or dt.date.today()
    return [d for d in reminder_dates(tr.sent_on, tr.due_on) if d >= today]


def overdue(queryset: Any, today: dt.date | None = None) -> Any:
    today = today or dt.date.today()
    return queryset.filter(status__in=["sent", "acknowledged"], due_on__lt=today)


def response_times(requests: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Response-time figures per counterpart State for outgoing requests."""
    from armstrace.diversion.deadlines import response_stats

    pairs = requests.filter(direction="outgoing", sent_on__isnull=False).values_list(
        "counterpart_id", "sent_on", "answered_on")
    return response_stats(pairs, today or dt.date.today(), deadline_days=response_days(False))


def export_request(tr: TracingRequest) -> dict[str, Any]:
    """A structured file another ArmsTrace (or any system) can import as an incoming request."""
    fields = ["reference", "addressed_as", "urgent", "weapon_type", "make", "model_name", "calibre_name", "serial",
              "markings", "circumstances", "illicit_character", "intended_use"]
    return {"format": EXCHANGE_FORMAT, "generator": f"ArmsTrace {__version__}",
            "requesting_state": tr.owner_state_id, "requested_state": tr.counterpart_id,
            "sent_on": tr.sent_on.isoformat() if tr.sent_on else None,
            "due_on": tr.due_on.isoformat() if tr.due_on else None,
            "request": {f: getattr(tr, f) for f in fields}}


def import_request(data: Any, user: Any) -> TracingRequest:
    """Register a received request file as an incoming request addressed to the user's State."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationError(_("The file is not valid JSON (%(error)s).") % {"error": exc}) from exc
    if not isinstance(data, dict) or data.get("format") != EXCHANGE_FORMAT:
        raise ValidationError(_("This is not an ArmsTrace tracing-request file (format %(f)s expected).")
                              % {"f": EXCHANGE_FORMAT})
    if data.get("requested_state") != user.state_id:
        raise ValidationError(_("This request is addressed to %(state)s, not to your State.")
                              % {"state": data.get("requested_state")})
    requester = Country.objects.filter(iso3=data.get("requesting_state")).first()
    if requester is None:
        raise ValidationError(_("Unknown requesting State “%(s)s”.") % {"s": data.get("requesting_state")})
    body = data.get("request") or {}
    allowed = {f.name for f in TracingRequest._meta.fields if f.editable}
    unknown = set(body) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields in the request: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        tr = save_record(TracingRequest(direction=TracingRequest.Direction.INCOMING, counterpart=requester,
                                        **body), user)
        sent = data.get("sent_on")
        amend(tr, user, _("received from %(state)s") % {"state": requester}, status="sent",
              sent_on=dt.date.fromisoformat(sent) if sent else dt.date.today(),
              due_on=dt.date.fromisoformat(data["due_on"]) if data.get("due_on") else None)
    return tr


# ------------------------------------------------------------------ diversion analysis
def item_facts(queryset: Any) -> list[Any]:
    """The facts the linkage library needs, read in one pass without model instances."""
    from armstrace.diversion import SeizedItemFacts

    rows = queryset.values_list(
        "pk", "seizure_id", "category", "manufacturer__name", "manufacturer_as_read", "model__name",
        "serial_as_read", "lot_number", "headstamp", "import_country_id", "import_year",
        "matched_weapon__holder_org__name", "matched_component__holder_org__name")
    kinds = {"weapon": "weapon", "manpads": "manpads", "ammunition": "ammunition", "explosive": "explosive"}
    return [SeizedItemFacts(item_id=r[0], seizure_id=r[1], kind=kinds.get(r[2], "other"),
                            manufacturer=r[3] or r[4] or None, model=r[5], serial=r[6] or None, lot=r[7] or None,
                            headstamp=r[8] or None, import_country=r[9], import_year=r[10],
                            source_site=r[11] or r[12]) for r in rows.iterator(chunk_size=20_000)]


def run_analysis(user: Any, *, window: int = 50) -> list[DiversionGroup]:
    """Group the State's seized items by probable common source; keep earlier analyst decisions.

    New groups are written in bulk with one ledger append (thousands of groups per run); a group
    whose evidence changed is amended; a group the analyst decided on keeps its decision.
    """
    from armstrace.core.importing import bulk_write
    from armstrace.core.registration import REGISTRY
    from armstrace.diversion import link

    groups = link(item_facts(SeizedItem.objects.writable_by(user).exclude(
        serial_as_read="", lot_number="", headstamp="", import_country__isnull=True,
        matched_weapon__isnull=True, matched_component__isnull=True)), window=window)
    existing = {g.key: g for g in DiversionGroup.objects.writable_by(user)}
    kept, new = [], []
    with transaction.atomic():
        for group in groups:
            values = {"item_ids": sorted(group.item_ids), "seizure_ids": sorted(group.seizure_ids),
                      "evidence": [{"a": e.a, "b": e.b, "kind": e.kind, "detail": e.detail,
                                    "confidence": round(e.confidence, 3)} for e in group.evidence[:200]],
                      "kinds": ", ".join(sorted(group.kinds)), "confidence": round(group.confidence, 3)}
            record = existing.get(str(group.group_id))
            if record is None:
                new.append(DiversionGroup(key=str(group.group_id), owner_state_id=user.state_id,
                                          owner_org_id=user.organisation_id, **values))
                continue
            if any(getattr(record, k) != v for k, v in values.items()):
                amend(record, user, _("analysis re-run"), **values)
            kept.append(record)
        kept += bulk_write(REGISTRY["diversion-groups"], new, _("diversion analysis"), user, run_after_import=False)
    return kept


def decide_group(group: DiversionGroup, decision: str, reason: str, user: Any) -> DiversionGroup:
    if decision not in ("accepted", "rejected"):
        raise ValidationError(_("Accept or reject the group."))
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    return amend(group, user, reason, decision=decision, decision_reason=reason, decided_by=user)
