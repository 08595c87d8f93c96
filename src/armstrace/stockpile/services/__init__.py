"""Stockpile operations. Views, API and CLI call these; models call `validate_movement`."""

from .holdings import balance, held_at, holdings, location_of
from .movements import TWO_PERSON_ROLES, record_movement, save_countersigned, validate_movement

__all__ = ["TWO_PERSON_ROLES", "balance", "held_at", "holdings", "location_of", "record_movement", "save_countersigned",
           "validate_movement"]
