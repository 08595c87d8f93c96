"""MANPADS control checks (S/2012/163; export-control best practice, DOMAIN.md "MANPADS").

A usable system needs a missile *and* a gripstock (plus a battery). Keeping missiles and
gripstocks in separate buildings means one breach cannot yield a working weapon, and a
monthly 100% serial inventory means a loss is noticed within weeks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

COMPONENT_KINDS: frozenset[str] = frozenset({"missile", "gripstock", "battery"})


def colocated(components: Iterable[tuple[str, str]]) -> list[str]:
    """Storage unit keys holding both a missile and a gripstock (sorted).

    Each component is ``(storage_unit_key, kind)``. Batteries are not required for the
    finding: they are single-use, widely substitutable and often stored anywhere, so the
    missile + gripstock pair is what the separation rule protects. Unknown kinds raise
    ValueError so a typo cannot hide a colocation.
    """
    kinds: dict[str, set[str]] = defaultdict(set)
    for unit, kind in components:
        if kind not in COMPONENT_KINDS:
            raise ValueError(f"unknown MANPADS component kind: {kind!r}")
        kinds[unit].add(kind)
    return sorted(unit for unit, ks in kinds.items() if {"missile", "gripstock"} <= ks)


def inventory_overdue(last_full_count: date | None, today: date, max_days: int = 31) -> bool:
    """True if no full serial inventory was done within ``max_days`` of ``today``.

    Never counted counts as overdue.
    """
    if last_full_count is None:
        return True
    return (today - last_full_count).days > max_days


def accounted_ratio(accounted: int, estimated: int) -> float | None:
    """Share of the estimated holding that is accounted for, or None if there is no estimate.

    Not capped at 1.0: a ratio above 1 says the estimate was low, which is itself worth
    reporting.
    """
    if accounted < 0 or estimated < 0:
        raise ValueError("accounted and estimated must be >= 0")
    if estimated == 0:
        return None
    return accounted / estimated
