"""UN hazard divisions and compatibility groups (pure Python): the 35 legal codes.

Source: UN Model Regulations / IATG 01.50, as summarised in DOMAIN.md.
"""

from __future__ import annotations

LEGAL_GROUPS: dict[str, str] = {
    "1.1": "ABCDEFGJL",
    "1.2": "BCDEFGHJKL",
    "1.3": "CFGHJKL",
    "1.4": "BCDEFGS",
    "1.5": "D",
    "1.6": "N",
}
DIVISIONS = tuple(LEGAL_GROUPS)
GROUPS = tuple("ABCDEFGHJKLNS")
LEGAL_CODES = frozenset(f"{d}{g}" for d, groups in LEGAL_GROUPS.items() for g in groups)


def is_legal(division: str, group: str) -> bool:
    """True if the division/compatibility-group pair is one of the 35 legal codes."""
    return group in LEGAL_GROUPS.get(division, "")
