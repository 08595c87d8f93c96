"""Tolerant search of weapon markings (serial numbers) for tracing.

A recovered weapon's serial is often worn, filed, misread (O/0, I/1, B/8 ...), typed in another
script or only partly legible.  :class:`MarkingIndex` finds the registered record anyway among
tens of millions, in milliseconds, and explains every assumed difference.  Pure Python + numpy +
rapidfuzz: no Django import, so it can run in workers, scripts and tests alike.
"""

from .distance import COSTS, Difference, align, weighted_distance
from .index import ATTRIBUTE_WEIGHTS, MarkingIndex, Match
from .normalise import (
    CONFUSION_CLASSES,
    TRANSLITERATION_PAIRS,
    confusion_key,
    normalise_name,
    normalise_query,
    normalise_serial,
)

__all__ = [
    "ATTRIBUTE_WEIGHTS",
    "CONFUSION_CLASSES",
    "COSTS",
    "TRANSLITERATION_PAIRS",
    "Difference",
    "MarkingIndex",
    "Match",
    "align",
    "confusion_key",
    "normalise_name",
    "normalise_query",
    "normalise_serial",
    "weighted_distance",
]
