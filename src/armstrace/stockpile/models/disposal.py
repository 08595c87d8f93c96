"""Surplus decisions and destruction, with witnesses and a certificate."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import OwnedModel

from .items import ItemReference
from .sites import Site


class DisposalDecision(ItemReference, OwnedModel):
    class Decision(models.TextChoices):
        KEEP = "keep", _("Keep")
        DESTROY = "destroy", _("Destroy")

    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("keep-or-destroy decision")
        verbose_name_plural = _("keep-or-destroy decisions")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.item}"


class Destruction(OwnedModel):
    class Method(models.TextChoices):
        CUTTING = "cutting", _("Cutting")
        CRUSHING = "crushing", _("Crushing")
        SMELTING = "smelting", _("Smelting")
        BURNING = "burning", _("Open burning")
        DETONATION = "detonation", _("Open detonation")
        OTHER = "other", _("Other")

    certificate_number = models.CharField(_("certificate number"), max_length=60)
    site = models.ForeignKey(Site, verbose_name=_("destruction site"), on_delete=models.PROTECT,
                             related_name="destructions")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    witnesses = models.TextField(_("witnesses"), help_text=_("One name and function per line; at least two"))
    serials_before = models.JSONField(default=list, editable=False)
    serials_after = models.JSONField(default=list, editable=False)
    completed = models.BooleanField(default=False, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("destruction")
        verbose_name_plural = _("destructions")

    @property
    def witness_list(self) -> list[str]:
        return [w.strip() for w in (self.witnesses or "").splitlines() if w.strip()]

    def clean(self) -> None:
        super().clean()
        if len({w.casefold() for w in self.witness_list}) < 2:
            raise ValidationError({"witnesses": _("At least two different witnesses must be named.")})

    def __str__(self) -> str:
        return self.certificate_number


class DestructionLine(ItemReference, OwnedModel):
    destruction = models.ForeignKey(Destruction, on_delete=models.PROTECT, related_name="lines")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=Decimal(1))

    class Meta:
        verbose_name = _("destruction line")
        verbose_name_plural = _("destruction lines")

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
