"""Ammunition, explosives and MANPADS safety rules (pure Python, no Django).

Storage mixing, quantity-distance, NEQ licence checks, RRPL site assessments, stock count
reconciliation and MANPADS controls, as summarised in DOMAIN.md. Kept free of Django so the
rules can be tested exhaustively and reused by the CLI and importers.
"""

from __future__ import annotations

from armstrace.safety.compatibility import MixingRules, compatible, conflicts, default_rules
from armstrace.safety.manpads import COMPONENT_KINDS, accounted_ratio, colocated, inventory_overdue
from armstrace.safety.neq import BuildingCheck, NEQLine, check_building, total_neq
from armstrace.safety.quantity_distance import (
    EXPOSURE_KINDS,
    Exposure,
    QDCoefficients,
    Violation,
    distance,
    exposures_at_risk,
    haversine_m,
    qd_circles,
)
from armstrace.safety.reconcile import LotLine, Reconciliation, Scan, UnexpectedScan, reconcile
from armstrace.safety.rrpl import DEFAULT_QUESTIONS, DEFAULT_THRESHOLDS, Assessment, Question, assess

__all__ = [
    "COMPONENT_KINDS",
    "DEFAULT_QUESTIONS",
    "DEFAULT_THRESHOLDS",
    "EXPOSURE_KINDS",
    "Assessment",
    "BuildingCheck",
    "Exposure",
    "LotLine",
    "MixingRules",
    "NEQLine",
    "QDCoefficients",
    "Question",
    "Reconciliation",
    "Scan",
    "UnexpectedScan",
    "Violation",
    "accounted_ratio",
    "assess",
    "check_building",
    "colocated",
    "compatible",
    "conflicts",
    "default_rules",
    "distance",
    "exposures_at_risk",
    "haversine_m",
    "inventory_overdue",
    "qd_circles",
    "reconcile",
    "total_neq",
]
