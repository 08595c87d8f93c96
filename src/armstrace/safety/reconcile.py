"""Stock count reconciliation: what the records say against what was physically counted.

Weapons are counted by serial number, ammunition by lot (DOMAIN.md, "Accounting"). The
application normalises each scanned serial with its own function and passes the key, so this
module only compares keys, with set and dict operations that stay fast at depot scale
(tens of thousands of items).

Lot quantities are compared in Decimal: a float difference such as 0.1 + 0.2 - 0.3 would
otherwise report a discrepancy that does not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Scan:
    """One scan: the text as read (``raw``), its normalised ``key``, and who scanned it."""

    raw: str
    key: str
    by: str | None = None


@dataclass(frozen=True)
class UnexpectedScan:
    """A scanned key not in the records: ``raw`` is the first reading seen, ``count`` the scans."""

    key: str
    raw: str
    count: int


@dataclass(frozen=True)
class LotLine:
    """A lot's expected and counted quantity; ``difference`` = counted - expected."""

    lot_key: str
    expected: Decimal
    counted: Decimal
    difference: Decimal

    @property
    def discrepant(self) -> bool:
        """True when the count differs from the record."""
        return self.difference != 0


@dataclass(frozen=True)
class Reconciliation:
    """Result of :func:`reconcile`; lists are sorted so reports are stable.

    ``discrepancy_count`` = missing items + unexpected keys + discrepant lots. Duplicate scans
    are not discrepancies (they are counting noise) but are listed so the team can re-check.
    ``discrepancy_rate`` divides that count by the expected total (serialised items + lots),
    and is 0.0 if nothing was expected.
    """

    found: list[int]
    missing: list[int]
    unexpected: list[UnexpectedScan]
    duplicate_scans: dict[str, int]
    lots: list[LotLine] = field(default_factory=list)
    expected_total: int = 0

    @property
    def discrepant_lots(self) -> list[LotLine]:
        """Lot lines whose count differs from the record."""
        return [line for line in self.lots if line.discrepant]

    @property
    def discrepancy_count(self) -> int:
        """Missing serialised items + unexpected serial keys + discrepant lots."""
        return len(self.missing) + len(self.unexpected) + len(self.discrepant_lots)

    @property
    def discrepancy_rate(self) -> float:
        """Discrepancies over the expected total (0.0 when nothing was expected)."""
        return self.discrepancy_count / self.expected_total if self.expected_total else 0.0

    def needs_investigation(self, threshold_rate: float, threshold_items: int = 0) -> bool:
        """True if the rate exceeds ``threshold_rate`` or more than ``threshold_items`` items are missing.

        The item test is separate because one missing weapon matters even in a large depot
        where it barely moves the rate.
        """
        return self.discrepancy_rate > threshold_rate or len(self.missing) > threshold_items


def _dec(value: Decimal | float | int) -> Decimal:
    # str() first so a float 0.1 becomes Decimal("0.1"), not its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def reconcile(
    expected_serials: Mapping[str, int],
    scans: Sequence[Scan],
    expected_lots: Mapping[str, Decimal | float] | None = None,
    counted_lots: Mapping[str, Decimal | float] | None = None,
) -> Reconciliation:
    """Compare the records with a count.

    ``expected_serials`` maps normalised serial key -> item id. A lot present on only one side
    is compared against zero on the other (an uncounted lot counts as zero found).
    """
    counts = Counter(s.key for s in scans)
    first_raw: dict[str, str] = {}
    for s in scans:
        first_raw.setdefault(s.key, s.raw)
    scanned = counts.keys()
    expected_keys = expected_serials.keys()
    found = sorted(expected_serials[k] for k in expected_keys & scanned)
    missing = sorted(expected_serials[k] for k in expected_keys - scanned)
    unexpected = [UnexpectedScan(k, first_raw[k], counts[k]) for k in sorted(scanned - expected_keys)]
    duplicates = {k: n for k, n in sorted(counts.items()) if n > 1}

    exp_lots = expected_lots or {}
    cnt_lots = counted_lots or {}
    lots = []
    for key in sorted(exp_lots.keys() | cnt_lots.keys()):
        e, c = _dec(exp_lots.get(key, 0)), _dec(cnt_lots.get(key, 0))
        lots.append(LotLine(lot_key=key, expected=e, counted=c, difference=c - e))
    return Reconciliation(
        found=found,
        missing=missing,
        unexpected=unexpected,
        duplicate_scans=duplicates,
        lots=lots,
        expected_total=len(expected_serials) + len(exp_lots),
    )
