"""Counting: start (snapshot and lock), scan, close (reconcile), approve or reject.

Blind counts keep the expected list from the counter. A confirmed shortfall becomes a
count-loss movement, which reports the item lost in the register, so the marking search shows
it as lost at once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from armstrace.core.ledger import jsonable
from armstrace.core.models import Role, User
from armstrace.core.services import amend, save_record
from armstrace.registry.models import AmmunitionLot, ManpadsComponent, Weapon
from armstrace.registry.serials import normalised_serial
from armstrace.safety.reconcile import Scan, reconcile

from ..models import CountEntry, StockMovement, Stocktake
from .holdings import holdings
from .movements import TWO_PERSON_ROLES, discrepancy_threshold, record_movement

APPROVERS = frozenset({Role.FOCAL_POINT, Role.ADMINISTRATOR})


def _expected(st: Stocktake) -> dict[str, Any]:
    held = holdings(site=st.site, unit=st.storage_unit)
    serials: dict[str, list[Any]] = {}
    models = [("component", ManpadsComponent, held.components)]
    if not st.manpads_only:
        models.insert(0, ("weapon", Weapon, held.weapons))
    for kind, model, items in models:
        for item_id, serial in model._base_manager.filter(pk__in=list(items)).values_list("pk", "serial_number"):
            serials[normalised_serial(serial)] = [kind, item_id, serial, items[item_id]]
    lots: dict[str, list[Any]] = {}
    if not st.manpads_only:
        numbers = dict(AmmunitionLot._base_manager.filter(pk__in=[lot for lot, _u in held.lots])
                       .values_list("pk", "lot_number"))
        # Counters read lot numbers, not storage units: a lot held in several units of the site is
        # expected once, with its total; an adjustment goes to the unit holding most of it.
        for (lot_id, unit_id), quantity in sorted(held.lots.items(), key=lambda kv: kv[1]):
            key = normalised_serial(numbers[lot_id])
            total = Decimal(lots[key][2]) + quantity if key in lots else quantity
            lots[key] = [lot_id, unit_id, str(total)]
    return {"serials": serials, "lots": lots}


def start(st: Stocktake, user: Any) -> Stocktake:
    if st.status != Stocktake.Status.REQUESTED:
        raise ValidationError(_("This count has already started."))
    busy = Stocktake.objects.filter(site=st.site, status=Stocktake.Status.COUNTING).exclude(pk=st.pk)
    if busy.exists():
        raise ValidationError(_("Another count is in progress at this site."))
    return amend(st, user, _("count started"), status=Stocktake.Status.COUNTING, expected=_expected(st),
                 started_on=dt.date.today())


def scan(st: Stocktake, reading: str, user: Any, *, quantity: Decimal = Decimal(1), is_lot: bool = False) -> str:
    """Record one reading; returns a warning ('' if none), e.g. a duplicate scan."""
    if st.status != Stocktake.Status.COUNTING:
        raise ValidationError(_("This count is not open for counting."))
    if not reading.strip():
        raise ValidationError({"serial": _("Type or scan a serial number.")})
    earlier = st.entries.filter(is_lot=is_lot, key=normalised_serial(reading)).count()
    entry = CountEntry(stocktake=st, serial=reading.strip(), quantity=quantity, is_lot=is_lot, counted_by=user)
    save_record(entry, user)
    if earlier and not is_lot:
        return _("“%(serial)s” was already scanned (%(n)d time(s)); counted once.") % {"serial": reading,
                                                                                    "n": earlier}
    return ""


def close(st: Stocktake, user: Any) -> Stocktake:
    """Reconcile the count; a discrepancy above the threshold goes to investigation (review)."""
    if st.status != Stocktake.Status.COUNTING:
        raise ValidationError(_("Only a count in progress can be closed."))
    expected = st.expected["serials"]
    entries = st.entries.values_list("serial", "key", "counted_by", "is_lot", "quantity")
    scans = [Scan(raw=raw, key=key, by=str(by)) for raw, key, by, is_lot, _q in entries if not is_lot]
    counted_lots: dict[str, Decimal] = {}
    for _raw, key, _by, is_lot, quantity in entries:
        if is_lot:
            counted_lots[key] = counted_lots.get(key, Decimal(0)) + quantity
    expected_lots = {k: Decimal(v[2]) for k, v in st.expected["lots"].items()}
    result = reconcile({k: i for i, k in enumerate(expected)}, scans, expected_lots, counted_lots)
    keys = list(expected)
    rate, items = discrepancy_threshold()
    st.result = {
        "found": len(result.found),
        "missing": [expected[keys[i]] for i in result.missing],
        "unexpected": [{"key": u.key, "raw": u.raw} for u in result.unexpected],
        "duplicates": {k: n for k, n in result.duplicate_scans.items()},
        "lots": [{"key": line.lot_key, "expected": jsonable(line.expected), "counted": jsonable(line.counted),
                  "difference": jsonable(line.difference)} for line in result.lots if line.difference],
        "discrepancy_rate": result.discrepancy_rate,
        "investigation": result.needs_investigation(rate, items),
        "closed_by": user.pk,
    }
    status = Stocktake.Status.REVIEW if (result.discrepancy_count or st.result["unexpected"]) else \
        Stocktake.Status.APPROVED
    return amend(st, user, _("count closed"), status=status, result=st.result)


def approve(st: Stocktake, user: Any, reason: str) -> Stocktake:
    """Confirm the count: shortfalls become count losses (countersigned by the counter), surpluses gains."""
    _check_decider(st, user, reason)
    counter = User.objects.get(pk=st.result["closed_by"])
    today = dt.date.today()
    with transaction.atomic():
        for kind, item_id, _serial, unit_id in st.result["missing"]:
            movement = StockMovement(kind="count_loss", date=today, storage_unit_id=unit_id,
                                     reference=str(st), reason=reason, **{f"{kind}_id": item_id})
            movement.allow_during_count = True
            record_movement(movement, user, second_person=counter)
        for line in st.result["lots"]:
            lot_id, unit_id, _q = st.expected["lots"][line["key"]]
            difference = Decimal(line["difference"])
            movement = StockMovement(kind="count_gain" if difference > 0 else "count_loss", date=today,
                                     storage_unit_id=unit_id, lot_id=lot_id, quantity=abs(difference),
                                     reference=str(st), reason=reason)
            movement.allow_during_count = True
            record_movement(movement, user, second_person=counter)
        _decide(st, user, reason, Stocktake.Status.APPROVED)
    return st


def reject(st: Stocktake, user: Any, reason: str) -> Stocktake:
    _check_decider(st, user, reason)
    _decide(st, user, reason, Stocktake.Status.REJECTED)
    return st


def _check_decider(st: Stocktake, user: Any, reason: str) -> None:
    if st.status != Stocktake.Status.REVIEW:
        raise ValidationError(_("Only a count under review can be decided."))
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    if user.pk == st.result.get("closed_by"):
        raise PermissionDenied(_("The person who closed the count cannot also approve it."))
    allowed = APPROVERS if st.result.get("investigation") else TWO_PERSON_ROLES
    if user.role not in allowed or user.state_id != st.owner_state_id:
        raise PermissionDenied(_("Your role cannot decide this count."))


def _decide(st: Stocktake, user: Any, reason: str, status: str) -> None:
    amend(st, user, reason, status=status, decided_by=user, decision_reason=reason)
