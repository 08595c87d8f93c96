"""What a stock line refers to: exactly one weapon, MANPADS component or ammunition lot."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.registry.models import AmmunitionLot, ManpadsComponent, Weapon


class ItemReference(models.Model):
    weapon = models.ForeignKey(Weapon, verbose_name=_("weapon"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="%(class)s_lines")
    component = models.ForeignKey(ManpadsComponent, verbose_name=_("MANPADS component"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="%(class)s_lines")
    lot = models.ForeignKey(AmmunitionLot, verbose_name=_("ammunition lot"), on_delete=models.PROTECT, null=True,
                            blank=True, related_name="%(class)s_lines")

    class Meta:
        abstract = True

    @property
    def item(self) -> Any:
        return self.weapon or self.component or self.lot

    @property
    def item_field(self) -> str:
        return "weapon" if self.weapon_id else "component" if self.component_id else "lot"

    def clean(self) -> None:
        super().clean()
        if sum(x is not None for x in (self.weapon_id, self.component_id, self.lot_id)) != 1:
            raise ValidationError(_("A line concerns exactly one weapon, MANPADS component or lot."))
