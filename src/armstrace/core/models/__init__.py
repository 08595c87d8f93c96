"""Core models: geography and organisations, users, sharing, the ledger and the base classes."""

from .base import LedgeredModel, OwnedModel, ReferenceModel, ScopedQuerySet
from .geography import Country, Organisation
from .jobs import ImportJob
from .ledger import LedgerEntry, LedgerHead
from .sharing import Share
from .users import Role, User

__all__ = [
    "Country",
    "ImportJob",
    "LedgerEntry",
    "LedgerHead",
    "LedgeredModel",
    "Organisation",
    "OwnedModel",
    "ReferenceModel",
    "Role",
    "ScopedQuerySet",
    "Share",
    "User",
]
