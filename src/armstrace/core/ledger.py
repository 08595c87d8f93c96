"""Writing to and verifying the hash-chained ledger.

Design (docs/decisions/0003-ledger.md): one global chain, serialised by locking a single head
row; each entry hashes a canonical JSON of its content plus the previous hash. `verify` walks
the chain in sequence order and then compares every live record with the state the ledger last
recorded for it, so a record changed behind the application's back is found as well.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .context import current_actor
from .models.ledger import LedgerEntry, LedgerHead

GENESIS = "0" * 64
STATE_ACTIONS = frozenset({"create", "change", "import"})  # entries whose `after` is the record's state


def jsonable(value: Any) -> Any:
    """A JSON value that survives a round trip through SQLite and PostgreSQL unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        # 0.018 and 0.0180 (as the database returns it) are one value: record it one way.
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return str(value)


def _typed(field: models.Field, value: Any) -> Any:
    """The value as the database will return it (an int 1 in a DecimalField comes back as 1.000)."""
    if value is None or isinstance(field, models.FileField):
        return value
    try:
        return field.to_python(value)
    except (ValueError, TypeError, ValidationError):
        return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The recorded state of a record: its concrete fields minus derived projections."""
    excluded = set(getattr(instance, "ledger_exclude", ()))
    return {
        f.attname: jsonable(_typed(f, f.value_from_object(instance)))
        for f in instance._meta.concrete_fields
        if f.name not in excluded and f.attname not in excluded
    }


def model_label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label


def _digest(entry: dict[str, Any]) -> str:
    payload = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_fields(e: LedgerEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": jsonable(e.at),
        "username": e.username,
        "remote_addr": e.remote_addr,
        "request_id": e.request_id,
        "via": e.via,
        "action": e.action,
        "model": e.model,
        "object_id": e.object_id,
        "owner_state": e.owner_state,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "prev_hash": e.prev_hash,
    }


@dataclass
class Change:
    """One change to be appended: the record, what it was and what it became."""

    instance: models.Model
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str = ""


def append(changes: Iterable[Change]) -> list[LedgerEntry]:
    """Append changes to the chain atomically, attributed to the current actor."""
    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) else None
    now = timezone.now()
    with transaction.atomic():
        head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
        entries: list[LedgerEntry] = []
        seq, prev = head.seq, head.hash
        for change in changes:
            seq += 1
            inst = change.instance
            entry = LedgerEntry(
                seq=seq,
                at=now,
                user=user,
                username=actor.username,
                remote_addr=actor.remote_addr or "",
                request_id=actor.request_id,
                via=actor.via,
                action=change.action,
                model=model_label(inst),
                object_id=str(inst.pk),
                owner_state=getattr(inst, "owner_state_id", None) or "",
                before=change.before,
                after=change.after,
                reason=change.reason or actor.reason,
                prev_hash=prev,
            )
            entry.hash = _digest(_hashed_fields(entry))
            prev = entry.hash
            entries.append(entry)
        if entries:
            LedgerEntry.objects.bulk_create(entries, batch_size=2000)
            head.seq, head.hash = seq, prev
            head.save(update_fields=["seq", "hash"])
    return entries


def history(instance: models.Model):
    return LedgerEntry.objects.filter(model=model_label(instance), object_id=str(instance.pk)).order_by("seq")


@dataclass
class VerifyResult:
    ok: bool
    entries_checked: int
    records_checked: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""


def ledgered_models() -> list[type[models.Model]]:
    from .models.base import LedgeredModel

    return [m for m in apps.get_models() if issubclass(m, LedgeredModel)]


def verify(progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Check the whole chain, then that every record still equals its last recorded state."""
    expected_seq, prev = 1, GENESIS
    last_state: dict[tuple[str, str], str] = {}
    checked = 0
    for e in LedgerEntry.objects.order_by("seq").iterator(chunk_size=5000):
        if e.seq != expected_seq:
            return VerifyResult(False, checked, 0, prev, expected_seq,
                                f"entry {expected_seq} is missing (next entry found is {e.seq})")
        if e.prev_hash != prev:
            return VerifyResult(False, checked, 0, prev, e.seq,
                                f"entry {e.seq} does not follow entry {e.seq - 1} (removed or reordered)")
        if _digest(_hashed_fields(e)) != e.hash:
            return VerifyResult(False, checked, 0, prev, e.seq, f"entry {e.seq} was modified")
        if e.after is not None and e.action in STATE_ACTIONS:
            last_state[(e.model, e.object_id)] = _digest(e.after)
        prev, expected_seq = e.hash, expected_seq + 1
        checked += 1
        if progress and checked % 5000 == 0:
            progress(5000)
    head = LedgerHead.objects.filter(pk=1).first()
    if head and (head.seq != checked or head.hash != prev):
        return VerifyResult(False, checked, 0, prev, checked + 1,
                            f"the chain ends at entry {checked} but its head records entry {head.seq} "
                            "(entries removed from the end)")
    records = 0
    for model in ledgered_models():
        label = model_label(model)
        for obj in model._base_manager.order_by("pk").iterator(chunk_size=5000):
            records += 1
            recorded = last_state.get((label, str(obj.pk)))
            if recorded is None:
                return VerifyResult(False, checked, records, prev, None,
                                    f"{label} {obj.pk} exists but was never recorded in the ledger")
            if recorded != _digest(snapshot(obj)):
                return VerifyResult(False, checked, records, prev, None,
                                    f"{label} {obj.pk} differs from its last recorded state "
                                    "(changed outside the application)")
    return VerifyResult(True, checked, records, prev)
