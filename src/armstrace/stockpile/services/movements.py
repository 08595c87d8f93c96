"""Recording a stock movement: the checks it must pass and its echo in the register.

Every movement of a serialised item also appends the matching life event to the item
(issued, returned, reported lost…), so the register's status and the marking search always
agree with the stock ledger; a lot movement appends the matching lot transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from armstrace.core.context import current_actor
from armstrace.core.models import Role
from armstrace.core.services import save_record
from armstrace.registry.models import ComponentEvent, LotCondition, LotTransaction, WeaponEvent
from armstrace.safety import conflicts

from .holdings import balance, holdings, location_of

TWO_PERSON_ROLES = frozenset({Role.CUSTODIAN, Role.FOCAL_POINT, Role.ADMINISTRATOR})
LOT_KIND = {"receipt": "received", "issue": "issued", "count_gain": "found", "count_loss": "shortfall",
            "loss": "lost", "theft": "stolen", "recovery": "found", "destruction": "destroyed"}
EVENT_KIND = {"issue": "issued", "transfer_in": "transferred", "loss": "reported_lost", "count_loss": "reported_lost",
              "theft": "reported_stolen", "recovery": "recovered", "destruction": "destroyed"}


def _counting_lock(movement: Any) -> Any:
    from ..models import Stocktake

    return Stocktake.objects.filter(status=Stocktake.Status.COUNTING, site_id=movement.site_id).filter(
        storage_unit__isnull=True).first() or Stocktake.objects.filter(
        status=Stocktake.Status.COUNTING, storage_unit_id=movement.storage_unit_id).first()


def check_two_persons(movement: Any, actor: Any) -> None:
    second = movement.second_person
    if second is None:
        raise ValidationError(_("This movement needs a second authorised person (two-person rule)."))
    if actor is not None and second.pk == getattr(actor, "pk", None):
        raise ValidationError(_("The second person must be someone other than the person recording the movement."))
    state = movement.owner_state_id or getattr(actor, "state_id", None)  # not yet assigned while a form validates
    if second.role not in TWO_PERSON_ROLES or second.state_id != state:
        raise ValidationError(_("%(user)s is not authorised to countersign stock movements.")
                              % {"user": second.username})


def validate_movement(m: Any) -> None:
    """All the rules a movement must satisfy; raised as field errors the forms and API show."""
    if m.storage_unit_id is None:
        return
    m.prepare()
    if m.site.status != "active":
        raise ValidationError({"storage_unit": _("This site is closed.")})
    if not getattr(m, "allow_during_count", False) and (lock := _counting_lock(m)):
        raise ValidationError({"storage_unit": _("A count is in progress here (%(count)s); movements are locked "
                                                 "until it is closed.") % {"count": lock}})
    serialised = m.weapon_id or m.component_id
    field_name = m.item_field
    item_id = getattr(m, f"{field_name}_id")
    if serialised and m.quantity != 1:
        raise ValidationError({"quantity": _("A serialised item moves one at a time.")})
    if m.kind == "reversal":
        if m.reverses_id is None or not (m.reason or "").strip():
            raise ValidationError({"reverses": _("A correction names the movement it reverses and gives a reason.")})
        original = m.reverses
        if getattr(original, f"{field_name}_id") != item_id or original.storage_unit_id != m.storage_unit_id:
            raise ValidationError({"reverses": _("A correction concerns the same item and storage unit.")})
    if m.delta < 0:
        available = balance(field_name, item_id, unit=m.storage_unit, exclude_pk=m.pk)
        if available < -m.delta:
            raise ValidationError({"quantity": _("Not held in %(unit)s (available: %(n)s).")
                                   % {"unit": m.storage_unit, "n": available}})
    elif serialised and m.kind != "reversal":
        where = location_of(field_name, item_id)
        if where is not None:
            raise ValidationError({field_name: _("This item is already held in another storage unit.")})
        if m.item.status == "destroyed":
            raise ValidationError({field_name: _("A destroyed item can never re-enter stock.")})
    if m.lot_id:
        if m.kind == "issue" and m.lot.condition == LotCondition.SUSPENDED:
            raise ValidationError({"lot": _("This lot is suspended and cannot be issued.")})
        if m.delta > 0:
            check_neq_limit(m)
    if m.is_sensitive:
        check_two_persons(m, current_actor().user)


def check_neq_limit(m: Any) -> None:
    from armstrace.registry.models import AmmunitionLot

    neq_added = Decimal(m.quantity) * m.lot.neq_per_unit_kg
    if neq_added <= 0:
        return
    held = holdings(unit=m.storage_unit)
    lots = AmmunitionLot._base_manager.in_bulk([lot_id for lot_id, _u in held.lots])
    neq_now = sum((q * lots[lot_id].neq_per_unit_kg for (lot_id, _u), q in held.lots.items()), Decimal(0))
    groups = [lot.compatibility_group for lot in lots.values()] + [m.lot.compatibility_group]
    mixed = [pair for pair in conflicts(groups) if m.lot.compatibility_group in pair]
    if mixed:
        m.warnings = [_("%(unit)s would hold incompatible compatibility groups: %(pairs)s.")
                      % {"unit": m.storage_unit, "pairs": ", ".join(f"{a}+{b}" for a, b in mixed)}]
    limit = m.storage_unit.licensed_neq_kg
    if neq_now + neq_added > limit:
        raise ValidationError({"quantity": _(
            "%(unit)s is licensed for %(limit)s kg NEQ; it holds %(now)s kg and this would add %(add)s kg.")
            % {"unit": m.storage_unit, "limit": limit, "now": round(neq_now, 3), "add": round(neq_added, 3)}})


def _echo_in_register(m: Any, user: Any) -> None:
    if m.lot_id:
        kind = LOT_KIND.get(m.kind)
        if kind:
            save_record(LotTransaction(lot=m.lot, kind=kind, quantity=m.quantity, date=m.date,
                                       reference=m.reference or str(m), notes=m.reason), user)
        return
    item = m.weapon or m.component
    event_model = WeaponEvent if m.weapon_id else ComponentEvent
    kind = EVENT_KIND.get(m.kind)
    if m.kind in ("receipt", "count_gain"):
        kind = {"issued": "returned", "lost": "recovered", "stolen": "recovered",
                "unknown": "registered"}.get(item.status, "transferred")
    if kind is None:
        return
    holder = m.counterpart if m.kind == "issue" else m.site.organisation
    save_record(event_model(item=item, kind=kind, date=m.date, holder_org=holder,
                            holder_person=m.counterpart_person if m.kind == "issue" else "",
                            place=str(m.storage_unit), document_reference=m.reference or "stock movement",
                            notes=m.reason), user)


def save_countersigned(record: Any, user: Any, *, second_person: Any = None, reason: str | None = None) -> Any:
    """Save a record that names a second authorised person (its clean() checks the two-person rule)."""
    if second_person is not None:
        record.second_person = second_person
    return save_record(record, user, reason=reason)


def record_movement(m: Any, user: Any, *, second_person: Any = None, reason: str | None = None) -> Any:
    """Validate, save and echo a movement in one transaction (nothing half-written)."""
    with transaction.atomic():
        save_countersigned(m, user, second_person=second_person, reason=reason)
        _echo_in_register(m, user)
    return m


def discrepancy_threshold() -> tuple[float, int]:
    return (float(getattr(settings, "ARMSTRACE_COUNT_DISCREPANCY_RATE", 0.005)),
            int(getattr(settings, "ARMSTRACE_COUNT_DISCREPANCY_ITEMS", 0)))
