"""Diversion analysis: which seized items share a source, SDG 16.4.2, tracing-request deadlines.

Pure Python (no Django import), so it runs in workers, scripts and tests alike; the web layer feeds
it plain facts and stores what it returns.
"""

from .deadlines import (
    DEFAULT_DEADLINE_DAYS,
    RequestStatus,
    Stats,
    due_date,
    reminder_dates,
    response_days,
    response_stats,
    status_on,
)
from .linkage import (
    EVIDENCE_KINDS,
    ITEM_KINDS,
    Group,
    Link,
    SeizedItemFacts,
    combine_confidence,
    find_links,
    groups_from_links,
    link,
    serial_confidence,
    split_serial,
)
from .sdg import ANTIQUE_BEFORE, RECOVERY_KINDS, ArmRecord, Indicator, indicator

__all__ = [
    "ANTIQUE_BEFORE",
    "DEFAULT_DEADLINE_DAYS",
    "EVIDENCE_KINDS",
    "ITEM_KINDS",
    "RECOVERY_KINDS",
    "ArmRecord",
    "Group",
    "Indicator",
    "Link",
    "RequestStatus",
    "SeizedItemFacts",
    "Stats",
    "combine_confidence",
    "due_date",
    "find_links",
    "groups_from_links",
    "indicator",
    "link",
    "reminder_dates",
    "response_days",
    "response_stats",
    "serial_confidence",
    "split_serial",
    "status_on",
]
