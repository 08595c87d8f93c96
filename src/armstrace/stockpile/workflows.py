"""Turn what a person submits (a web form, an API body, command-line options: all plain mappings)
into stockpile operations, so the three interfaces share one reading of the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from armstrace.core.models import User
from armstrace.core.services import amend, save_record
from armstrace.registry.models import AmmunitionLot, ManpadsComponent, Weapon
from armstrace.registry.serials import normalised_serial

from .models import (
    Destruction,
    DestructionLine,
    SecurityAssessment,
    Site,
    StockMovement,
    Stocktake,
    StorageUnit,
    Transfer,
)
from .services import holdings, record_movement, transfers
from .services import stocktakes as counting


def second_person_from(data: Mapping[str, Any]) -> User | None:
    """The countersigning person: user name + password (web, CLI) or their API token."""
    token = data.get("second_person_token")
    if token:
        from rest_framework.authtoken.models import Token

        found = Token.objects.select_related("user").filter(key=token, user__is_active=True).first()
        if found is None:
            raise ValidationError({"second_person": _("The second person's token is not valid.")})
        return found.user
    name, password = data.get("second_username", ""), data.get("second_password", "")
    if not name:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None or not user.check_password(password or ""):
        raise ValidationError({"second_person": _("The second person's user name or password is wrong.")})
    return user


def _date(value: Any, field: str, default: dt.date | None = None) -> dt.date:
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value or "")) if value else default
    if parsed is None:
        raise ValidationError({field: _("Give a date as YYYY-MM-DD.")})
    return parsed


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}}) from exc


def items_held_at(unit: StorageUnit, serial_lines: str, lot_lines: str) -> list[dict[str, Any]]:
    """Resolve typed serials (one per line) and lots ('LOT-NUMBER quantity') among what the unit holds."""
    held = holdings(unit=unit)
    by_key: dict[str, dict[str, Any]] = {}
    for w in Weapon._base_manager.filter(pk__in=list(held.weapons)).only("pk", "serial_number"):
        by_key[normalised_serial(w.serial_number)] = {"weapon": w}
    for c in ManpadsComponent._base_manager.filter(pk__in=list(held.components)).only("pk", "serial_number"):
        by_key[normalised_serial(c.serial_number)] = {"component": c}
    items, unknown = [], []
    for line in (serial_lines or "").splitlines():
        if line.strip():
            found = by_key.get(normalised_serial(line))
            (items.append(found) if found else unknown.append(line.strip()))
    lots = {normalised_serial(lot.lot_number): lot for lot in
            AmmunitionLot._base_manager.filter(pk__in=[lot for lot, _u in held.lots])}
    for line in (lot_lines or "").splitlines():
        if line.strip():
            number, _sep, qty = line.strip().rpartition(" ")
            lot = lots.get(normalised_serial(number or qty))
            if lot is None or not number:
                unknown.append(line.strip())
            else:
                items.append({"lot": lot, "quantity_sent": _decimal(qty, "lots")})
    if unknown:
        raise ValidationError(_("Not held in %(unit)s: %(items)s") % {"unit": unit, "items": ", ".join(unknown)})
    return items


def dispatch_from_form(data: Mapping[str, Any], user: Any) -> Transfer:
    unit = StorageUnit.objects.writable_by(user).filter(pk=data.get("from_unit") or 0).first()
    site = Site.objects.writable_by(user).filter(pk=data.get("to_site") or 0).first()
    if unit is None or site is None:
        raise ValidationError(_("Choose the storage unit the items leave and the site they go to."))
    if unit.site_id == site.pk:
        raise ValidationError(_("A transfer goes to another site; use a movement within a site."))
    items = items_held_at(unit, data.get("serials", ""), data.get("lots", ""))
    transfer = Transfer(reference=(data.get("reference") or "").strip(), from_unit=unit, to_site=site,
                        dispatched_on=_date(data.get("dispatched_on"), "dispatched_on", dt.date.today()),
                        escort=data.get("escort", ""))
    return transfers.dispatch(transfer, items, user, second_person=second_person_from(data))


def receive_from_form(transfer: Transfer, data: Mapping[str, Any], user: Any) -> list[Any]:
    unit = transfer.to_site.units.filter(pk=data.get("storage_unit") or 0).first()
    if unit is None:
        raise ValidationError({"storage_unit": _("Choose where the items are received.")})
    received = {line.pk: _decimal(data.get(f"received_{line.pk}", "0") or "0", f"received_{line.pk}")
                for line in transfer.lines.all()}
    return transfers.receive(transfer, unit, received, user, _date(data.get("received_on"), "received_on",
                                                                    dt.date.today()),
                             second_person=second_person_from(data))


def in_transit(transfer: Transfer, user: Any) -> Transfer:
    return transfers.mark_in_transit(transfer, user)


def resolve(discrepancy: Any, outcome: str, explanation: str, user: Any) -> Any:
    return transfers.resolve_discrepancy(discrepancy, outcome, explanation, user)


def stocktake_action(st: Stocktake, data: Mapping[str, Any], user: Any) -> str:
    action = data.get("action", "")
    if st.owner_state_id != user.state_id:
        raise PermissionDenied(_("This count belongs to another State."))
    if action == "start":
        counting.start(st, user)
    elif action == "scan":
        return counting.scan(st, data.get("serial", ""), user, quantity=_decimal(data.get("quantity") or 1, "quantity"),
                             is_lot=str(data.get("is_lot", "")).lower() in ("1", "true", "on", "yes"))
    elif action == "close":
        counting.close(st, user)
    elif action == "approve":
        counting.approve(st, user, data.get("reason", ""))
    elif action == "reject":
        counting.reject(st, user, data.get("reason", ""))
    else:
        raise ValidationError(_("Unknown count action “%(action)s”.") % {"action": action})
    return ""


def assess_from_form(site: Site, data: Mapping[str, Any], user: Any) -> SecurityAssessment:
    from armstrace.safety.rrpl import DEFAULT_QUESTIONS

    answers = {q.code: str(data.get(f"q_{q.code}", "")).lower() in ("1", "true", "on", "yes")
               for q in DEFAULT_QUESTIONS}
    record = SecurityAssessment(site=site, date=_date(data.get("date"), "date", dt.date.today()), answers=answers,
                                notes=data.get("notes", ""), assessor=user)
    return save_record(record, user)


def destruction_action(event: Destruction, data: Mapping[str, Any], user: Any) -> Destruction:
    """add: list items to destroy (held at the destruction site); complete: destroy them, countersigned."""
    if event.completed:
        raise ValidationError(_("This destruction is complete; nothing can be added or destroyed again."))
    if event.owner_state_id != user.state_id:
        raise PermissionDenied(_("This destruction belongs to another State."))
    if data.get("action") == "add":
        unit = event.site.units.filter(pk=data.get("storage_unit") or 0).first()
        if unit is None:
            raise ValidationError({"storage_unit": _("Choose the storage unit holding the items.")})
        with transaction.atomic():
            for item in items_held_at(unit, data.get("serials", ""), data.get("lots", "")):
                qty = item.pop("quantity_sent", Decimal(1))
                save_record(DestructionLine(destruction=event, quantity=qty, **item), user)
        return event
    if data.get("action") != "complete":
        raise ValidationError(_("Unknown destruction action."))
    second = second_person_from(data)
    lines = list(event.lines.select_related("weapon", "component", "lot"))
    if not lines:
        raise ValidationError(_("List the items to destroy first."))
    before = [str(line.weapon or line.component or line.lot) for line in lines]
    with transaction.atomic():
        for line in lines:
            field = line.item_field
            from .services import location_of

            unit_id = location_of(field, getattr(line, f"{field}_id")) if field != "lot" else \
                next((u for (lot, u) in holdings(site=event.site).lots if lot == line.lot_id), None)
            if unit_id is None:
                raise ValidationError(_("%(item)s is no longer held at the destruction site.") % {"item": line})
            record_movement(StockMovement(kind="destruction", date=event.date, storage_unit_id=unit_id,
                                          quantity=line.quantity, reference=event.certificate_number,
                                          reason=_("destroyed by %(method)s") % {"method": event.get_method_display()},
                                          **{field: getattr(line, field)}), user, second_person=second)
        amend(event, user, _("destruction completed"), completed=True, serials_before=before,
              serials_after=[str(line.weapon or line.component or line.lot) for line in lines])
    return event
