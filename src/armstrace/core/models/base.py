"""The base classes every domain model inherits: ledgered history, ownership and scoping.

Scoping lives here, in the query layer, once: pages, API, command line, exports and search all
start from `Model.objects.visible_to(user)`, so no interface can forget it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .geography import Country, Organisation


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        """Records the user may read: their own State's, plus those shared with their organisation."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if not issubclass(self.model, OwnedModel):
            return self
        from .sharing import Share

        shared = Share.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            organisation_id=user.organisation_id,
        ).values("object_id")
        own = Q(owner_state_id=user.state_id) if user.state_id else Q(pk__in=[])
        if user.state_id and not shared.exists():
            return self.filter(own)  # the usual case: a plain owner filter the planner can index
        return self.filter(own | Q(pk__in=shared))

    def writable_by(self, user: Any) -> ScopedQuerySet:
        """Records the user may change: only their own State's (shared records are read-only)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if not issubclass(self.model, OwnedModel):
            return self
        return self.filter(owner_state_id=user.state_id) if user.state_id else self.none()

    def delete(self) -> Any:  # noqa: D102
        raise PermissionDenied(_("Records are never deleted; record an amendment or an event instead."))


class AmendmentReasonRequired(ValidationError):
    def __init__(self) -> None:
        super().__init__(_("A reason is required to amend a record."), code="reason_required")


class LedgeredModel(models.Model):
    """A record whose every creation and change is appended to the hash-chained ledger.

    `ledger_exclude` names derived projection fields (status, holder...) that are recomputed
    from events and so are not part of the recorded state.
    """

    ledger_exclude: ClassVar[tuple[str, ...]] = ()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def prepare(self) -> None:
        """Compute derived stored values (normalised keys, signed quantities) before writing.

        Called by save() and by bulk imports, which bypass save(); override, and call super().
        """

    def save(self, *args: Any, reason: str | None = None, **kwargs: Any) -> None:
        from .. import ledger

        self.prepare()

        creating = self._state.adding or self.pk is None
        before = None
        if not creating:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
            before = ledger.snapshot(stored) if stored is not None else None
            creating = stored is None
        with transaction.atomic():
            super().save(*args, **kwargs)
            after = ledger.snapshot(self)
            if creating:
                ledger.append([ledger.Change(self, "create", None, after, reason or "")])
                return
            if before == after:
                return
            from ..context import current_actor

            why = (reason or current_actor().reason or "").strip()
            if not why:
                raise AmendmentReasonRequired()
            ledger.append([ledger.Change(self, "change", before, after, why)])

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        from ..registration import for_model

        reg = for_model(self)
        return reverse("record-detail", args=[reg.key, self.pk]) if reg else ""

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied(_("Records are never deleted; record an amendment or an event instead."))


class ReferenceModel(LedgeredModel):
    """Shared reference data (the catalogue): readable by every user, curated by administrators."""

    class Meta:
        abstract = True


class OwnedModel(LedgeredModel):
    """A record that belongs to a State (and the organisation that registered it)."""

    owner_state = models.ForeignKey(
        Country, verbose_name=_("owning State"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    owner_org = models.ForeignKey(
        Organisation, verbose_name=_("owning organisation"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+", editable=False,
    )

    class Meta:
        abstract = True

    def assign_owner(self, user: Any) -> None:
        """Give a new record to the acting user's State and organisation."""
        if not getattr(user, "state_id", None):
            raise PermissionDenied(_("Only a user of a State can register records."))
        self.owner_state_id = user.state_id
        self.owner_org_id = user.organisation_id
