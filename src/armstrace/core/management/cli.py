"""Shared pieces of the `armstrace` subcommands: who is acting, progress bars, registration look-up."""

from __future__ import annotations

import argparse
import os
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from ..registration import REGISTRY, Registration


def add_user_argument(parser: CommandParser, *, in_subcommand: bool = False) -> None:
    """--user, accepted before or after a subcommand (`stock --user X move …` or `stock move … --user X`)."""
    parser.add_argument("--user", default=argparse.SUPPRESS if in_subcommand else os.environ.get("ARMSTRACE_USER", ""),
                        help="act as this user (their State's scope and role apply); default $ARMSTRACE_USER")


def add_subcommands(parser: CommandParser) -> Any:
    """Subcommands that each also accept --user."""
    sub = parser.add_subparsers(dest="action", required=True)
    original = sub.add_parser

    def add_parser(name: str, **kwargs: Any) -> Any:
        command = original(name, **kwargs)
        add_user_argument(command, in_subcommand=True)
        return command

    sub.add_parser = add_parser  # type: ignore[method-assign]
    return sub


def resolve_user(options: dict[str, Any]) -> Any:
    from ..models import User

    name = options.get("user") or ""
    if not name:
        raise CommandError(_("Say which user you act as: --user NAME (or set ARMSTRACE_USER)."))
    try:
        return User.objects.select_related("organisation").get(username=name, is_active=True)
    except User.DoesNotExist as exc:
        raise CommandError(_("No active user named “%(name)s”.") % {"name": name}) from exc


def resolve_registration(key: str) -> Registration:
    if key not in REGISTRY:
        raise CommandError(_("Unknown record type “%(key)s”. Known: %(known)s.")
                           % {"key": key, "known": ", ".join(sorted(REGISTRY))})
    return REGISTRY[key]


def progress_bar(total: int, description: str, enabled: bool = True) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="rows", disable=not enabled, leave=False)
