"""A serialised item's life: which events may follow which, and the status they leave.

Pure Python so the rules can be read, tested and reused (stockpile, seizures) without Django.
Status is never typed in: it is whatever `derive` returns for the item's ordered events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Event kind -> status after it (None: the status does not change).
STATUS_AFTER: dict[str, str | None] = {
    "manufactured": "manufactured",
    "imported": "in_stock",
    "marked": None,
    "registered": "in_stock",
    "issued": "issued",
    "returned": "in_stock",
    "transferred": "in_stock",
    "reported_lost": "lost",
    "reported_stolen": "stolen",
    "recovered": "recovered",
    "seized": "seized",
    "surrendered": "surrendered",
    "deactivated": "deactivated",
    "destroyed": "destroyed",
}
EVENT_KINDS = tuple(STATUS_AFTER)
STATUSES = ("unknown", "manufactured", "in_stock", "issued", "lost", "stolen", "recovered", "seized",
            "surrendered", "deactivated", "destroyed")
MISSING = frozenset({"lost", "stolen"})
IN_CUSTODY = frozenset({"manufactured", "in_stock", "recovered", "seized", "surrendered"})

# Event kind -> statuses it may follow (absent: any status except destroyed).
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "issued": IN_CUSTODY | {"unknown"},
    "returned": frozenset({"issued"}),
    "transferred": IN_CUSTODY | {"unknown", "issued"},
    "reported_lost": frozenset(STATUSES) - {"destroyed", "lost", "stolen"},
    "reported_stolen": frozenset(STATUSES) - {"destroyed", "stolen"},
    "deactivated": IN_CUSTODY | {"unknown"},
}


class InvalidTransition(ValueError):
    def __init__(self, position: int, kind: str, status: str) -> None:
        self.position, self.kind, self.status = position, kind, status
        super().__init__(f"event {position + 1} ({kind}) cannot follow status {status}")


@dataclass(frozen=True)
class Derived:
    status: str
    holder: str | None  # the last holder named by an event


def derive(events: Iterable[tuple[str, str | None]]) -> Derived:
    """Fold (kind, holder) events, oldest first, into the item's status; raise on a forbidden step."""
    status, holder = "unknown", None
    for position, (kind, event_holder) in enumerate(events):
        if kind not in STATUS_AFTER:
            raise ValueError(f"unknown event kind {kind!r}")
        if status == "destroyed" or status not in ALLOWED_FROM.get(kind, frozenset(STATUSES)):
            raise InvalidTransition(position, kind, status)
        status = STATUS_AFTER[kind] or status
        if event_holder:
            holder = event_holder
    return Derived(status, holder)
