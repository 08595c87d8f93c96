"""Transfers between sites: dispatch (items leave), receive (what arrived), discrepancies resolved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from armstrace.core.services import amend, save_record

from ..models import Discrepancy, StockMovement, StorageUnit, Transfer, TransferLine
from .movements import record_movement


def _item_fields(line: TransferLine) -> dict[str, Any]:
    return {"weapon": line.weapon, "component": line.component, "lot": line.lot}


def dispatch(transfer: Transfer, items: list[dict[str, Any]], user: Any, second_person: Any = None) -> Transfer:
    """Create the transfer and move every item out of the source unit (all or nothing)."""
    if not items:
        raise ValidationError(_("A transfer needs at least one item."))
    with transaction.atomic():
        save_record(transfer, user)
        for item in items:
            line = save_record(TransferLine(transfer=transfer, **item), user)
            record_movement(StockMovement(kind="transfer_out", date=transfer.dispatched_on,
                                          storage_unit=transfer.from_unit, quantity=line.quantity_sent,
                                          transfer=transfer, reference=transfer.reference, **_item_fields(line)),
                            user, second_person=second_person)
    return transfer


def mark_in_transit(transfer: Transfer, user: Any) -> Transfer:
    if transfer.status != Transfer.Status.DISPATCHED:
        raise ValidationError(_("Only a dispatched transfer can be marked in transit."))
    return amend(transfer, user, _("handed to the escort"), status=Transfer.Status.IN_TRANSIT)


def receive(transfer: Transfer, unit: StorageUnit, received: dict[int, Decimal], user: Any,
            on: dt.date | None = None, second_person: Any = None) -> list[Discrepancy]:
    """Record what arrived per line; every difference becomes an open discrepancy."""
    if transfer.status not in (Transfer.Status.DISPATCHED, Transfer.Status.IN_TRANSIT):
        raise ValidationError(_("This transfer has already been received."))
    if unit.site_id != transfer.to_site_id:
        raise ValidationError({"storage_unit": _("Receive into a storage unit of %(site)s.")
                               % {"site": transfer.to_site}})
    on = on or dt.date.today()
    discrepancies = []
    with transaction.atomic():
        for line in transfer.lines.all():
            got = Decimal(received.get(line.pk, 0))
            if got < 0 or (got > line.quantity_sent and (line.weapon_id or line.component_id)):
                raise ValidationError(_("Line %(line)s: received quantity %(n)s is not possible.")
                                      % {"line": line, "n": got})
            amend(line, user, _("received"), quantity_received=got)
            if got > 0:
                record_movement(StockMovement(kind="transfer_in", date=on, storage_unit=unit, quantity=got,
                                              transfer=transfer, reference=transfer.reference, **_item_fields(line)),
                                user, second_person=second_person)
            if got != line.quantity_sent:
                discrepancies.append(save_record(Discrepancy(line=line, expected=line.quantity_sent, received=got),
                                                 user))
        status = Transfer.Status.DISCREPANCY if discrepancies else Transfer.Status.RECEIVED
        amend(transfer, user, _("received"), status=status, received_on=on, received_into=unit)
    return discrepancies


def resolve_discrepancy(discrepancy: Discrepancy, outcome: str, explanation: str, user: Any,
                        on: dt.date | None = None) -> Discrepancy:
    """Close a discrepancy as found (it arrived after all) or as a loss (the item is reported lost)."""
    from armstrace.registry.models import ComponentEvent, LotTransaction, WeaponEvent

    if discrepancy.status != Discrepancy.Status.OPEN:
        raise ValidationError(_("This discrepancy is already resolved."))
    if not explanation.strip():
        raise ValidationError({"resolution": _("Say how the discrepancy was resolved.")})
    line, on = discrepancy.line, on or dt.date.today()
    with transaction.atomic():
        if outcome == "loss":
            missing = discrepancy.expected - discrepancy.received
            if line.lot_id and missing > 0:
                save_record(LotTransaction(lot=line.lot, kind="lost", quantity=missing, date=on,
                                           reference=line.transfer.reference, notes=explanation), user)
            elif line.weapon_id or line.component_id:
                event_model = WeaponEvent if line.weapon_id else ComponentEvent
                save_record(event_model(item=line.weapon or line.component, kind="reported_lost", date=on,
                                        place=_("in transit (%(ref)s)") % {"ref": line.transfer.reference},
                                        document_reference=line.transfer.reference, notes=explanation), user)
            discrepancy.status = Discrepancy.Status.RESOLVED_LOSS
        elif outcome == "found":
            discrepancy.status = Discrepancy.Status.RESOLVED_FOUND
        else:
            raise ValidationError(_("Resolve as “found” or “loss”."))
        discrepancy.resolved_by, discrepancy.resolution = user, explanation
        save_record(discrepancy, user, reason=explanation)
    return discrepancy
