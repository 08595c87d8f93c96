"""Net explosive quantity in a storage building, against its licence and mixing rules.

A building is licensed for a maximum NEQ (the QD circles around it were drawn for that
quantity), so the stock held must never exceed it; and the lots inside must be compatible.
The application stores quantities as Decimal; arithmetic here is in float because the
result feeds a cube root and a comparison, where float precision is ample.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from armstrace.registry.hazard import is_legal
from armstrace.safety.compatibility import MixingRules, default_rules


@dataclass(frozen=True)
class NEQLine:
    """One lot in a building: ``quantity`` units of ``neq_per_unit_kg`` each, code division+group.

    An illegal division/group pair (not one of the 35 UN codes) raises ValueError: the hazard
    code is what the mixing and distance rules rest on, so a wrong one must not pass silently.
    """

    lot_key: str
    quantity: float | Decimal | int
    neq_per_unit_kg: float | Decimal
    division: str
    group: str

    def __post_init__(self) -> None:
        if not is_legal(self.division, self.group):
            raise ValueError(f"illegal hazard code {self.division}{self.group} on lot {self.lot_key!r}")
        q, n = float(self.quantity), float(self.neq_per_unit_kg)
        if not (math.isfinite(q) and math.isfinite(n)) or q < 0 or n < 0:
            raise ValueError(f"quantity and NEQ per unit must be finite and >= 0 on lot {self.lot_key!r}")

    @property
    def neq_kg(self) -> float:
        """NEQ of the whole line in kg."""
        return float(self.quantity) * float(self.neq_per_unit_kg)


def total_neq(lines: Iterable[NEQLine]) -> float:
    """Sum of the lines' NEQ in kg (``math.fsum`` so many small lots add up exactly)."""
    return math.fsum(line.neq_kg for line in lines)


@dataclass(frozen=True)
class BuildingCheck:
    """Outcome of checking one building: NEQ against licence, and group conflicts."""

    total_neq: float
    limit: float
    over_limit: bool
    over_by: float
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when within the licensed NEQ and no incompatible groups share the building."""
        return not self.over_limit and not self.conflicts


def check_building(
    lines: Iterable[NEQLine],
    licensed_limit_kg: float | Decimal,
    rules: MixingRules | None = None,
) -> BuildingCheck:
    """Check a building's stock against its licensed NEQ and the mixing rules.

    Two group-L lines are treated as identical only if they carry the same ``lot_key``: the
    lot is the only identity this module can see, and assuming more would be unsafe.
    """
    items = list(lines)
    limit = float(licensed_limit_kg)
    if not math.isfinite(limit) or limit < 0:
        raise ValueError(f"licensed limit must be finite and >= 0, got {licensed_limit_kg!r}")
    total = total_neq(items)
    over_by = max(0.0, total - limit)
    groups = [line.group for line in items]
    l_lots = {line.lot_key for line in items if line.group.upper() == "L"}
    found = (rules or default_rules()).conflicts(groups, identical_l=len(l_lots) <= 1)
    return BuildingCheck(total_neq=total, limit=limit, over_limit=total > limit, over_by=over_by, conflicts=found)
