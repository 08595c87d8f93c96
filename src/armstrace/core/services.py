"""The single write path: validate, assign the owner, save (which appends to the ledger).

Pages, the API, the command line and imports all save records through `save_record`, so the
same validation and the same history apply whichever door a change comes through.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from .context import acting
from .models import OwnedModel
from .permissions import can_write
from .registration import for_model


def _non_editable(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if not f.editable]


def check_can_write(user: Any, instance: models.Model) -> None:
    reg = for_model(instance)
    if reg is None or not can_write(user, reg.write_roles):
        raise PermissionDenied(_("Your role cannot change %(what)s.") % {"what": instance._meta.verbose_name_plural})
    if isinstance(instance, OwnedModel) and instance.owner_state_id and instance.owner_state_id != user.state_id:
        raise PermissionDenied(_("This record belongs to another State and cannot be changed by you."))


def save_record(instance: models.Model, user: Any, *, reason: str | None = None) -> models.Model:
    """Validate and save one record on behalf of `user` (creation, or amendment with a reason)."""
    if isinstance(instance, OwnedModel) and not instance.owner_state_id:
        instance.assign_owner(user)
    check_can_write(user, instance)
    with transaction.atomic(), acting(user=user):
        instance.full_clean(exclude=_non_editable(instance))
        instance.save(reason=reason)
    return instance


def amend(instance: models.Model, user: Any, reason: str, **changes: Any) -> models.Model:
    """Change fields of a record as an amendment with a reason (workflow transitions use this)."""
    for name, value in changes.items():
        setattr(instance, name, value)
    return save_record(instance, user, reason=reason)
