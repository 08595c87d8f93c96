"""The hash-chained change ledger: one append-only chain for every record of every app.

Each entry's hash covers its own content and the previous entry's hash, so modifying, removing
or reordering any entry directly in the database breaks the chain at that point. The writing
and checking logic is in armstrace.core.ledger.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Amended")
        SHARE = "share", _("Shared")
        IMPORT = "import", _("Imported")

    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    at = models.DateTimeField(_("when"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("who"), max_length=150)
    remote_addr = models.CharField(_("from"), max_length=45, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    via = models.CharField(_("via"), max_length=10, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record"), max_length=64)
    owner_state = models.CharField(max_length=3, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["model", "object_id"]), models.Index(fields=["owner_state", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model} {self.object_id}"


class LedgerHead(models.Model):
    """The chain's tip; locked while appending so that concurrent writers serialise."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
