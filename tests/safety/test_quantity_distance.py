"""Quantity-distance: D = Z * NEQ^(1/3), circles per exposure kind, and exposures at risk."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armstrace.safety import (
    EXPOSURE_KINDS,
    Exposure,
    QDCoefficients,
    distance,
    exposures_at_risk,
    haversine_m,
    qd_circles,
)

M_PER_DEG_LAT = 111_195.08  # 2*pi*R/360 for R = 6,371,008.8 m


def test_worked_example_ibd_10_tonnes():
    d = distance(10_000, 22.2)
    assert d == pytest.approx(478.28, abs=0.01)
    assert round(d) == 478
    assert distance(Decimal("10000"), Decimal("22.2")) == pytest.approx(d)


def test_zero_and_negative():
    assert distance(0, 22.2) == 0.0
    with pytest.raises(ValueError):
        distance(-1, 22.2)
    with pytest.raises(ValueError):
        distance(10, -1)
    with pytest.raises(ValueError):
        distance(float("nan"), 22.2)


@given(
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
    st.floats(min_value=0.1, max_value=100),
)
def test_monotonic_in_neq(a, b, z):
    lo, hi = sorted((a, b))
    assert distance(lo, z) <= distance(hi, z)


@given(st.floats(min_value=0.001, max_value=1e7))
def test_eight_times_neq_doubles_distance(neq):
    assert distance(8 * neq, 10.0) == pytest.approx(2 * distance(neq, 10.0), rel=1e-9)


def test_circles_per_kind():
    c = qd_circles(1000)  # cube root = 10
    assert set(c) == set(EXPOSURE_KINDS)
    assert c["process_building"] == pytest.approx(80.0)
    assert c["public_traffic_route"] == pytest.approx(148.0)
    assert c["inhabited_building"] == pytest.approx(222.0)
    assert c["vulnerable_building"] == pytest.approx(444.0)
    national = QDCoefficients(inside_process=5, public_traffic_route=10, inhabited_building=20, vulnerable_building=50)
    assert qd_circles(1000, national)["vulnerable_building"] == pytest.approx(500.0)
    with pytest.raises(ValueError):
        national.for_kind("airport")


def test_haversine_sanity():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(M_PER_DEG_LAT, rel=1e-6)
    assert haversine_m(10, 20, 11, 20) == pytest.approx(111_200, abs=100)
    assert haversine_m(0, 0, 0, 1) == pytest.approx(M_PER_DEG_LAT, rel=1e-6)  # equator
    assert haversine_m(60, 0, 60, 1) == pytest.approx(M_PER_DEG_LAT / 2, rel=1e-3)  # cos 60 = 1/2
    assert haversine_m(32.9, 13.2, 32.9, 13.2) == 0.0
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * 6_371_008.8)


def _north(metres, lat0=32.0):
    return lat0 + metres / M_PER_DEG_LAT


def test_exposures_inside_and_outside():
    lat, lon = 32.0, 13.0
    exposures = [
        Exposure("inhabited_building", "farm inside", _north(400), lon, id=1),  # IBD 478: inside by 78
        Exposure("inhabited_building", "farm outside", _north(500), lon, id=2),
        Exposure("vulnerable_building", "school", _north(700), lon, id=3),  # 956 required: inside by 256
        Exposure("public_traffic_route", "road", _north(300), lon),  # 319 required: inside by 19
        Exposure("process_building", "workshop", _north(200), lon),  # 172 required: outside
    ]
    got = exposures_at_risk(lat, lon, 10_000, exposures, QDCoefficients())
    assert [v.exposure.name for v in got] == ["school", "farm inside", "road"]
    school = got[0]
    assert school.actual_m == pytest.approx(700, abs=0.5)
    assert school.required_m == pytest.approx(956.6, abs=0.1)
    assert school.shortfall_m == pytest.approx(256.6, abs=0.5)
    assert all(v.actual_m < v.required_m for v in got)
    assert exposures_at_risk(lat, lon, 0, exposures, QDCoefficients()) == []


def test_exposure_kind_validated():
    with pytest.raises(ValueError):
        Exposure("hospital", "x", 0, 0)
