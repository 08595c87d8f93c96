"""Transfers between sites: dispatched → in transit → received; differences become discrepancies."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import OwnedModel

from .items import ItemReference
from .sites import Site, StorageUnit


class Transfer(OwnedModel):
    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("Dispatched")
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        DISCREPANCY = "discrepancy", _("Received with discrepancy")

    reference = models.CharField(_("reference"), max_length=100)
    from_unit = models.ForeignKey(StorageUnit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    to_site = models.ForeignKey(Site, verbose_name=_("to site"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DISPATCHED,
                              editable=False)
    dispatched_on = models.DateField(_("dispatched on"))
    received_on = models.DateField(_("received on"), null=True, blank=True, editable=False)
    received_into = models.ForeignKey(StorageUnit, verbose_name=_("received into"), on_delete=models.PROTECT,
                                      null=True, blank=True, editable=False, related_name="+")
    escort = models.CharField(_("escort / carrier"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-dispatched_on", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return self.reference


class TransferLine(ItemReference, OwnedModel):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="lines")
    quantity_sent = models.DecimalField(_("sent"), max_digits=14, decimal_places=3, default=Decimal(1))
    quantity_received = models.DecimalField(_("received"), max_digits=14, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity_sent}"


class Discrepancy(OwnedModel):
    """What was sent but did not arrive (or arrived but was not sent): someone must resolve it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED_FOUND = "found", _("Resolved: found")
        RESOLVED_LOSS = "loss", _("Resolved: recorded as lost")

    line = models.ForeignKey(TransferLine, on_delete=models.PROTECT, related_name="discrepancies")
    expected = models.DecimalField(_("expected"), max_digits=14, decimal_places=3)
    received = models.DecimalField(_("received"), max_digits=14, decimal_places=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")

    def __str__(self) -> str:
        return f"{self.line}: {self.received}/{self.expected}"
