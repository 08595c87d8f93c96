"""Quantity-distance: how far an explosive store must be from people and property.

D = Z · NEQ^(1/3), with D in metres and NEQ (net explosive quantity) in kg. The cube root
comes from blast scaling: overpressure at a given distance depends on the charge mass only
through that root. Z depends on what is exposed (a process building inside the depot, a
public road, a house, a school or hospital) and varies by country, so the coefficients are
a settings object the application passes in; the defaults are the typical IATG values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

#: Exposure kinds, in increasing order of protection required.
EXPOSURE_KINDS: tuple[str, ...] = (
    "process_building",
    "public_traffic_route",
    "inhabited_building",
    "vulnerable_building",
)

#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class QDCoefficients:
    """Z coefficients per exposure kind (national settings; defaults are typical IATG values)."""

    inside_process: float = 8.0
    public_traffic_route: float = 14.8
    inhabited_building: float = 22.2
    vulnerable_building: float = 44.4

    def for_kind(self, kind: str) -> float:
        """The Z coefficient for an exposure kind (ValueError if the kind is unknown)."""
        if kind == "process_building":
            return self.inside_process
        if kind == "public_traffic_route":
            return self.public_traffic_route
        if kind == "inhabited_building":
            return self.inhabited_building
        if kind == "vulnerable_building":
            return self.vulnerable_building
        raise ValueError(f"unknown exposure kind: {kind!r}")


def _finite(value: float | Decimal, what: str) -> float:
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return x


def distance(neq_kg: float | Decimal, z: float | Decimal) -> float:
    """Required separation in metres for ``neq_kg`` of explosive at coefficient ``z``.

    Zero NEQ needs no separation (0.0). A negative NEQ or Z is a data error, not a small
    store, so it raises ValueError rather than returning a reassuring number.
    """
    neq, zz = _finite(neq_kg, "NEQ"), _finite(z, "Z")
    if neq < 0:
        raise ValueError(f"NEQ must not be negative, got {neq_kg!r}")
    if zz < 0:
        raise ValueError(f"Z must not be negative, got {z!r}")
    if neq == 0:
        return 0.0
    return zz * math.cbrt(neq)


def qd_circles(neq_kg: float | Decimal, coeffs: QDCoefficients | None = None) -> dict[str, float]:
    """Required distance (m) for every exposure kind, keyed as in :data:`EXPOSURE_KINDS`.

    These are the radii a map draws around a store.
    """
    c = coeffs or QDCoefficients()
    return {kind: distance(neq_kg, c.for_kind(kind)) for kind in EXPOSURE_KINDS}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points (spherical Earth).

    The sphere is within about 0.5 % of the ellipsoid, far below the uncertainty in Z.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Exposure:
    """Something that must be kept at a distance from the store (``kind`` in EXPOSURE_KINDS)."""

    kind: str
    name: str
    lat: float
    lon: float
    id: int | str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EXPOSURE_KINDS:
            raise ValueError(f"unknown exposure kind: {self.kind!r}")


@dataclass(frozen=True)
class Violation:
    """An exposure closer to the store than its kind allows."""

    exposure: Exposure
    actual_m: float
    required_m: float

    @property
    def shortfall_m(self) -> float:
        """How far inside the required distance the exposure lies (always > 0)."""
        return self.required_m - self.actual_m


def exposures_at_risk(
    store_lat: float,
    store_lon: float,
    neq_kg: float | Decimal,
    exposures: Iterable[Exposure],
    coeffs: QDCoefficients | None = None,
) -> list[Violation]:
    """Exposures strictly closer than the required distance, deepest encroachment first.

    Sorting by shortfall puts the worst case (a school 300 m inside its circle) at the top of
    the list an inspector reads.
    """
    c = coeffs or QDCoefficients()
    circles = qd_circles(neq_kg, c)
    found: list[Violation] = []
    for e in exposures:
        actual = haversine_m(store_lat, store_lon, e.lat, e.lon)
        required = circles[e.kind]
        if actual < required:
            found.append(Violation(exposure=e, actual_m=actual, required_m=required))
    found.sort(key=lambda v: (-v.shortfall_m, v.exposure.name))
    return found
