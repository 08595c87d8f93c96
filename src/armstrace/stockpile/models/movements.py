"""The append-only stock ledger: every receipt, issue, transfer, count adjustment, loss, theft,
recovery and destruction. What a site holds is the sum of these, never a typed-in number.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import Organisation, OwnedModel

from .items import ItemReference
from .sites import Site, StorageUnit


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER_OUT = "transfer_out", _("Transfer dispatched")
    TRANSFER_IN = "transfer_in", _("Transfer received")
    COUNT_GAIN = "count_gain", _("Found at count")
    COUNT_LOSS = "count_loss", _("Shortfall at count")
    LOSS = "loss", _("Loss")
    THEFT = "theft", _("Theft")
    RECOVERY = "recovery", _("Recovery")
    DESTRUCTION = "destruction", _("Destruction")
    REVERSAL = "reversal", _("Reversal (correction)")


INCREASES = frozenset({"receipt", "transfer_in", "count_gain", "recovery"})
WRITE_OFFS = frozenset({"loss", "theft", "count_loss"})


class StockMovement(ItemReference, OwnedModel):
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    date = models.DateField(_("date"))
    storage_unit = models.ForeignKey(StorageUnit, verbose_name=_("storage unit"), on_delete=models.PROTECT,
                                     related_name="movements")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, editable=False, related_name="movements")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=Decimal(1),
                                   validators=[MinValueValidator(Decimal("0.001"))])
    delta = models.DecimalField(max_digits=14, decimal_places=3, editable=False)
    counterpart = models.ForeignKey(Organisation, verbose_name=_("issued to / received from"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    counterpart_person = models.CharField(_("person"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    transfer = models.ForeignKey("stockpile.Transfer", null=True, blank=True, on_delete=models.PROTECT,
                                 editable=False, related_name="movements")
    second_person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("second authorised person"),
                                      null=True, blank=True, on_delete=models.PROTECT, editable=False,
                                      related_name="+")
    reference = models.CharField(_("document reference"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["site", "date"]),
            models.Index(fields=["weapon", "date"]),
            models.Index(fields=["component", "date"]),
            models.Index(fields=["lot", "site"]),
            # The national MANPADS picture reads only component movements: without this, SQLite walks
            # every movement of every site (benchmarks/stockpile.py: 8.5 s → see docs/benchmarks.md).
            models.Index(fields=["site", "storage_unit", "component", "delta"], name="movement_manpads_site",
                         condition=models.Q(component__isnull=False)),
        ]
        constraints = [models.CheckConstraint(
            condition=(models.Q(weapon__isnull=False, component__isnull=True, lot__isnull=True)
                       | models.Q(weapon__isnull=True, component__isnull=False, lot__isnull=True)
                       | models.Q(weapon__isnull=True, component__isnull=True, lot__isnull=False)),
            name="movement_has_one_item")]

    @property
    def is_sensitive(self) -> bool:
        """Needs a second authorised person: any MANPADS movement, any write-off, any destruction."""
        return bool(self.component_id) or self.kind in WRITE_OFFS or self.kind == "destruction"

    def prepare(self) -> None:
        super().prepare()
        if self.storage_unit_id and not self.site_id:
            self.site_id = self.storage_unit.site_id
        if self.kind == "reversal" and self.reverses_id:
            self.delta = -self.reverses.delta
            self.quantity = abs(self.reverses.delta)
        elif self.quantity is not None:
            self.delta = self.quantity if self.kind in INCREASES else -self.quantity

    def clean(self) -> None:
        super().clean()
        from ..services import validate_movement

        validate_movement(self)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.date}"
