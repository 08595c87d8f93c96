"""Who is acting, from where and why: carried with the request (or CLI run) to the ledger.

A context variable rather than function arguments, so that every save() anywhere in a request
is attributed without threading the user through each call.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # core.User or None for system actions
    remote_addr: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    reason: str = ""
    via: str = "system"  # web, api, cli, system

    @property
    def username(self) -> str:
        return getattr(self.user, "username", "") or "system"


_NOBODY = Actor(request_id="")
_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("armstrace_actor", default=_NOBODY)  # noqa: B039


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting(**changes: Any) -> Iterator[Actor]:
    """Run a block as a given actor; nested blocks inherit and override (e.g. add a reason)."""
    token = _current.set(replace(_current.get(), **changes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
