"""Stocktakes: requested → counting → counted → review → approved / rejected (as OpenBoxes counts)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import OwnedModel

from .sites import Site, StorageUnit


class Stocktake(OwnedModel):
    class Kind(models.TextChoices):
        FULL = "full", _("Full count")
        CYCLE = "cycle", _("Cycle count")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        COUNTING = "counting", _("Counting")
        REVIEW = "review", _("Under review (investigation)")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="stocktakes")
    storage_unit = models.ForeignKey(StorageUnit, verbose_name=_("storage unit"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="stocktakes",
                                     help_text=_("Empty: the whole site"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FULL)
    blind = models.BooleanField(_("blind count"), default=True,
                                help_text=_("Counters do not see what is expected"))
    manpads_only = models.BooleanField(_("MANPADS components only"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    started_on = models.DateField(_("started on"), null=True, blank=True, editable=False)
    expected = models.JSONField(default=dict, editable=False)  # snapshot when counting starts
    result = models.JSONField(default=dict, editable=False)  # reconciliation
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   editable=False, related_name="+")
    decision_reason = models.TextField(_("decision"), blank=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.storage_unit or self.site} #{self.pk}"


class CountEntry(OwnedModel):
    """One scanned or typed serial (or a lot with its counted quantity)."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="entries")
    serial = models.CharField(_("serial or lot number as read"), max_length=100)
    quantity = models.DecimalField(_("quantity (lots)"), max_digits=14, decimal_places=3, default=Decimal(1))
    is_lot = models.BooleanField(_("lot"), default=False)
    key = models.CharField(max_length=100, editable=False, default="")  # normalised reading, for duplicates
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, editable=False,
                                   related_name="+")

    ledger_exclude = ("key",)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("count entry")
        verbose_name_plural = _("count entries")
        indexes = [models.Index(fields=["stocktake", "is_lot", "key"])]

    def prepare(self) -> None:
        super().prepare()
        from armstrace.registry.serials import normalised_serial

        self.key = normalised_serial(self.serial)

    def __str__(self) -> str:
        return self.serial
