"""What each role may do. One table, used by pages, API and command line alike."""

from __future__ import annotations

from typing import Any

from .models.users import Role

ALL_ROLES = frozenset(Role.values)
WRITERS = frozenset({Role.REGISTRAR, Role.ADMINISTRATOR})
LEDGER_VERIFIERS = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})
SHARERS = frozenset({Role.FOCAL_POINT, Role.ADMINISTRATOR, Role.INVESTIGATOR})


def can_write(user: Any, write_roles: frozenset[str]) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.state_id and user.role in write_roles)


def can_verify_ledger(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in LEDGER_VERIFIERS)


def can_share(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.state_id and user.role in SHARERS)
