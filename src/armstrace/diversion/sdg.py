"""SDG indicator 16.4.2: share of seized, found or surrendered arms whose illicit origin has been traced.

Definition (DOMAIN.md, "Illicit flows statistics"): the share of seized, found or surrendered arms
whose illicit origin or context has been traced or established by a competent authority.

* Denominator: all such arms, *excluding antiques made before 1900*.
* Numerator: those whose point of diversion was established, by tracing or otherwise.

Choices made here, and why:

* "Arms" are weapons and MANPADS (``is_arm``); ammunition and explosives are recorded on the same
  seizures but are not counted -- the indicator is about arms.
* An unknown year of manufacture is **not** an antique: only a known year before 1900 excludes an
  arm.  Otherwise every badly documented weapon would silently leave the denominator and flatter
  the indicator.
* The item ids behind each count are returned so that a figure sent to UNODC can be drilled down to
  the records it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["ANTIQUE_BEFORE", "RECOVERY_KINDS", "ArmRecord", "Indicator", "indicator"]

#: Arms made before this year are antiques and leave the denominator.
ANTIQUE_BEFORE: Final = 1900

#: How an item came into the authorities' hands (UNODC questionnaire).
RECOVERY_KINDS: Final = ("seized", "found", "surrendered")


@dataclass(frozen=True, slots=True)
class ArmRecord:
    """One seized, found or surrendered item, as the indicator needs it.

    ``state`` and ``year`` are the reporting state and the year of the seizure.  ``is_arm`` is true for
    weapons and MANPADS, false for ammunition and explosives.  ``diversion_established``: a competent
    authority established the point of diversion (trace answered, or otherwise).
    """

    item_id: int
    seizure_id: int
    state: str
    year: int
    recovery: str
    is_arm: bool
    year_of_manufacture: int | None
    diversion_established: bool


@dataclass(frozen=True, slots=True)
class Indicator:
    """Indicator 16.4.2 for one state and year.  ``value`` is ``None`` when there is nothing to divide by
    (no arms): a share of zero would claim that arms were seized and none traced."""

    state: str
    year: int
    numerator: int
    denominator: int
    value: float | None
    item_ids_numerator: tuple[int, ...]
    item_ids_denominator: tuple[int, ...]
    excluded_antiques: int
    excluded_non_arms: int


def indicator(records: Iterable[ArmRecord]) -> dict[tuple[str, int], Indicator]:
    """Compute the indicator per ``(state, year)``.

    Every ``(state, year)`` that has at least one record gets an entry, even if all its records were
    excluded (then ``value`` is ``None``).  Raises ``ValueError`` for a recovery kind outside
    :data:`RECOVERY_KINDS` or an item counted twice in the same state and year (a data error that
    would inflate both counts).
    """
    num: dict[tuple[str, int], list[int]] = {}
    den: dict[tuple[str, int], list[int]] = {}
    antiques: dict[tuple[str, int], int] = {}
    non_arms: dict[tuple[str, int], int] = {}
    seen: dict[tuple[str, int], set[int]] = {}
    for r in records:
        if r.recovery not in RECOVERY_KINDS:
            raise ValueError(f"item {r.item_id}: recovery {r.recovery!r} not one of {RECOVERY_KINDS}")
        key = (r.state, r.year)
        ids = seen.setdefault(key, set())
        if r.item_id in ids:
            raise ValueError(f"item {r.item_id} recorded twice for {key}")
        ids.add(r.item_id)
        den.setdefault(key, [])
        num.setdefault(key, [])
        antiques.setdefault(key, 0)
        non_arms.setdefault(key, 0)
        if not r.is_arm:
            non_arms[key] += 1
            continue
        if r.year_of_manufacture is not None and r.year_of_manufacture < ANTIQUE_BEFORE:
            antiques[key] += 1
            continue
        den[key].append(r.item_id)
        if r.diversion_established:
            num[key].append(r.item_id)

    out: dict[tuple[str, int], Indicator] = {}
    for key in sorted(den):
        d, n = sorted(den[key]), sorted(num[key])
        out[key] = Indicator(
            state=key[0],
            year=key[1],
            numerator=len(n),
            denominator=len(d),
            value=(len(n) / len(d)) if d else None,
            item_ids_numerator=tuple(n),
            item_ids_denominator=tuple(d),
            excluded_antiques=antiques[key],
            excluded_non_arms=non_arms[key],
        )
    return out
