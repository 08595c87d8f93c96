"""Which compatibility groups may share a storage building (pure Python).

Mixing incompatible ammunition turns a small accident into a large one (a fire in
group-S articles must not be able to reach group-A primary explosives), so the
stockpile module checks every building against a mixing table.

The default table is the UN transport rule summarised in DOMAIN.md; storage rules
may be stricter and are national, so :class:`MixingRules` accepts an override table.

- A only with A
- B with B and S
- C, D, E, N together and with S
- F, G, H, J, K each only with itself and S
- L only with *identical* L (the caller decides identity: ``identical_l``)
- S with all but A and L
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from armstrace.registry.hazard import GROUPS

#: Groups whose members may share storage with their own group only when the items are
#: identical (L: special-risk articles such as water-activated or hypergolic fillings, where
#: even two different L items may react with each other).
IDENTICAL_ONLY_DEFAULT: frozenset[str] = frozenset({"L"})


def _default_table() -> dict[str, frozenset[str]]:
    cden = frozenset("CDEN")
    table: dict[str, frozenset[str]] = {
        "A": frozenset("A"),
        "B": frozenset("BS"),
        "L": frozenset("L"),
    }
    for g in cden:
        table[g] = cden | {"S"}
    for g in "FGHJK":
        table[g] = frozenset({g, "S"})
    table["S"] = frozenset(GROUPS) - {"A", "L"}
    return table


def normalise_group(group: str) -> str:
    """Return the canonical (upper-case, stripped) group letter, or raise ValueError.

    Raising rather than guessing: an unknown group is a data error, and silently treating it
    as compatible would hide exactly the mistakes this check exists to catch.
    """
    g = group.strip().upper() if isinstance(group, str) else group
    if g not in GROUPS:
        raise ValueError(f"unknown compatibility group: {group!r}")
    return g


@dataclass(frozen=True)
class MixingRules:
    """A complete mixing table: group -> groups it may be stored with.

    ``allowed`` must list all 13 groups. A pair is compatible only if each side allows the
    other, so an asymmetric national table is read in its stricter sense. ``identical_only``
    names groups (by default L) that may be stored with their own group only when the caller
    confirms the items are identical.
    """

    allowed: Mapping[str, frozenset[str]]
    identical_only: frozenset[str] = IDENTICAL_ONLY_DEFAULT

    def __post_init__(self) -> None:
        table: dict[str, frozenset[str]] = {}
        for key, partners in self.allowed.items():
            table[normalise_group(key)] = frozenset(normalise_group(p) for p in partners)
        missing = set(GROUPS) - set(table)
        if missing:
            raise ValueError(f"mixing table lacks groups: {''.join(sorted(missing))}")
        object.__setattr__(self, "allowed", MappingProxyType(table))
        object.__setattr__(self, "identical_only", frozenset(normalise_group(g) for g in self.identical_only))

    def with_overrides(self, overrides: Mapping[str, frozenset[str]]) -> MixingRules:
        """Return a copy whose rows for the given groups are replaced (a national table)."""
        table = dict(self.allowed)
        table.update(overrides)
        return MixingRules(allowed=table, identical_only=self.identical_only)

    def compatible(self, a: str, b: str, *, identical_l: bool = False) -> bool:
        """True if lots of groups ``a`` and ``b`` may be stored together under this table."""
        ga, gb = normalise_group(a), normalise_group(b)
        if gb not in self.allowed[ga] or ga not in self.allowed[gb]:
            return False
        if ga == gb and ga in self.identical_only:
            return identical_l
        return True

    def conflicts(self, groups: Iterable[str], *, identical_l: bool = False) -> list[tuple[str, str]]:
        """Every incompatible unordered pair among ``groups``, sorted and deduplicated.

        ``groups`` is read as a multiset (one entry per lot): a group appearing twice is
        checked against itself, which matters only for identical-only groups such as L.
        """
        counts = Counter(normalise_group(g) for g in groups)
        present = sorted(counts)
        found: list[tuple[str, str]] = []
        for i, a in enumerate(present):
            if counts[a] > 1 and not self.compatible(a, a, identical_l=identical_l):
                found.append((a, a))
            for b in present[i + 1 :]:
                if not self.compatible(a, b, identical_l=identical_l):
                    found.append((a, b))
        return sorted(found)


_DEFAULT = MixingRules(allowed=_default_table())


def default_rules() -> MixingRules:
    """The UN transport mixing table (the baseline before any national override)."""
    return _DEFAULT


def compatible(a: str, b: str, *, identical_l: bool = False) -> bool:
    """True if groups ``a`` and ``b`` may share storage under the default table."""
    return _DEFAULT.compatible(a, b, identical_l=identical_l)


def conflicts(groups: Iterable[str], *, identical_l: bool = False) -> list[tuple[str, str]]:
    """Incompatible unordered pairs among ``groups`` under the default table (sorted, unique)."""
    return _DEFAULT.conflicts(groups, identical_l=identical_l)
