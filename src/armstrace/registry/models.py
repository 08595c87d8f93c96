"""The register: weapons, MANPADS components and ammunition lots, with their life histories.

Status, holder and quantities are projections of events: they are recomputed by the event
models' save() and never edited through a form, the API or an import.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from armstrace.catalogue.models import Calibre, Manufacturer, WeaponModel, WeaponType
from armstrace.core.models import Country, Organisation, OwnedModel

from . import hazard, lifecycle
from .serials import normalised_serial

YEAR = [MinValueValidator(1800), MaxValueValidator(2100)]


class EventKind(models.TextChoices):
    MANUFACTURED = "manufactured", _("Manufactured")
    IMPORTED = "imported", _("Imported")
    MARKED = "marked", _("Marked")
    REGISTERED = "registered", _("Registered")
    ISSUED = "issued", _("Issued")
    RETURNED = "returned", _("Returned")
    TRANSFERRED = "transferred", _("Transferred")
    REPORTED_LOST = "reported_lost", _("Reported lost")
    REPORTED_STOLEN = "reported_stolen", _("Reported stolen")
    RECOVERED = "recovered", _("Recovered")
    SEIZED = "seized", _("Seized")
    SURRENDERED = "surrendered", _("Surrendered")
    DEACTIVATED = "deactivated", _("Deactivated")
    DESTROYED = "destroyed", _("Destroyed")


class Status(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    MANUFACTURED = "manufactured", _("Manufactured")
    IN_STOCK = "in_stock", _("In stock")
    ISSUED = "issued", _("Issued")
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    RECOVERED = "recovered", _("Recovered")
    SEIZED = "seized", _("Seized")
    SURRENDERED = "surrendered", _("Surrendered")
    DEACTIVATED = "deactivated", _("Deactivated")
    DESTROYED = "destroyed", _("Destroyed")


class MarkingCondition(models.TextChoices):
    INTACT = "intact", _("Intact")
    PARTLY_OBLITERATED = "partly_obliterated", _("Partly obliterated")
    OBLITERATED = "obliterated", _("Obliterated")


class SerialisedItem(OwnedModel):
    """What every serialised item shares: maker, model, markings as read, derived status."""

    manufacturer = models.ForeignKey(Manufacturer, verbose_name=_("manufacturer"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    manufacturer_as_marked = models.CharField(_("manufacturer as marked"), max_length=200, blank=True,
                                              help_text=_("The maker's name or code exactly as read"))
    model = models.ForeignKey(WeaponModel, verbose_name=_("model"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    serial_number = models.CharField(_("serial number as read"), max_length=100,
                                     help_text=_("Exactly as marked, in the original script"))
    serial_normalised = models.CharField(_("normalised serial"), max_length=100, editable=False, db_index=True)
    country_of_manufacture = models.ForeignKey(Country, verbose_name=_("country of manufacture"),
                                               on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year_of_manufacture = models.PositiveSmallIntegerField(_("year of manufacture"), null=True, blank=True,
                                                           validators=YEAR)
    other_markings = models.TextField(_("other markings"), blank=True,
                                      help_text=_("Proof, assembly, arsenal and other marks"))
    marking_condition = models.CharField(_("marking condition"), max_length=20, choices=MarkingCondition.choices,
                                         default=MarkingCondition.INTACT)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN,
                              editable=False, db_index=True)
    holder_org = models.ForeignKey(Organisation, verbose_name=_("current holder (unit or site)"),
                                   on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                   related_name="+")
    holder_person = models.CharField(_("current holder (person)"), max_length=200, blank=True, editable=False)

    ledger_exclude = ("status", "holder_org", "holder_person", "serial_normalised", "possible_duplicate")

    class Meta:
        abstract = True

    def prepare(self) -> None:
        super().prepare()
        self.serial_normalised = normalised_serial(self.serial_number)

    def refresh_projection(self) -> None:
        """Recompute status and holder from the events (the only way they ever change)."""
        events = list(self.events.order_by("date", "pk"))
        derived = lifecycle.derive((e.kind, e.holder_label) for e in events)
        last_holder = next((e for e in reversed(events) if e.holder_org_id or e.holder_person), None)
        values = {
            "status": derived.status,
            "holder_org_id": last_holder.holder_org_id if last_holder else None,
            "holder_person": last_holder.holder_person if last_holder else "",
        }
        type(self)._base_manager.filter(pk=self.pk).update(**values)
        for key, value in values.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        maker = self.manufacturer or self.manufacturer_as_marked
        label = f"{self.model or ''} {self.serial_number}".strip()
        return f"{label} ({maker})" if maker else label


class Weapon(SerialisedItem):
    weapon_type = models.CharField(_("weapon type"), max_length=20, choices=WeaponType.choices)
    calibre = models.ForeignKey(Calibre, verbose_name=_("calibre"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    import_country = models.ForeignKey(Country, verbose_name=_("import marking: country"),
                                       on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    import_year = models.PositiveSmallIntegerField(_("import marking: year"), null=True, blank=True,
                                                   validators=YEAR)
    possible_duplicate = models.BooleanField(_("possible duplicate"), default=False, editable=False,
                                             help_text=_("Another weapon of the same maker and model has this serial"))

    class Meta:
        verbose_name = _("weapon")
        verbose_name_plural = _("weapons")
        indexes = [
            models.Index(fields=["owner_state", "serial_normalised"]),
            models.Index(fields=["owner_state", "status"]),
        ]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if flag_duplicates(Weapon, self.owner_state_id, [self.serial_normalised]):
            self.possible_duplicate = type(self)._base_manager.get(pk=self.pk).possible_duplicate


def flag_duplicates(model, state: str, serials: list[str] | None = None) -> int:
    """Flag every record whose serial is already present for the same maker and model in the State.

    A duplicate is flagged, never merged: two makers can use the same serial, and a real duplicate
    entry is for a registrar to resolve by amendment. One grouped query; `serials` narrows it to the
    keys just written.
    """
    records = model._base_manager.filter(owner_state_id=state)
    if serials is not None:
        records = records.filter(serial_normalised__in=serials)
    groups = (records.values("manufacturer_id", "model_id", "serial_normalised").annotate(n=Count("id"))
              .filter(n__gt=1).order_by())
    flagged = 0
    for g in groups.iterator():
        flagged += model._base_manager.filter(
            owner_state_id=state, manufacturer_id=g["manufacturer_id"], model_id=g["model_id"],
            serial_normalised=g["serial_normalised"], possible_duplicate=False,
        ).update(possible_duplicate=True)
    return flagged


class ManpadsSystem(OwnedModel):
    """A MANPADS system: the components (missile in tube, gripstock, battery) linked to it."""

    designation = models.CharField(_("designation"), max_length=100,
                                   help_text=_("The system's own reference, e.g. crate or record number"))
    model = models.ForeignKey(WeaponModel, verbose_name=_("model"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("MANPADS system")
        verbose_name_plural = _("MANPADS systems")

    def __str__(self) -> str:
        return f"{self.model or ''} {self.designation}".strip()


class ManpadsComponent(SerialisedItem):
    class Kind(models.TextChoices):
        MISSILE = "missile", _("Missile in launch tube")
        GRIPSTOCK = "gripstock", _("Gripstock (launcher)")
        BATTERY = "battery", _("Battery / battery-coolant unit")

    component = models.CharField(_("component"), max_length=20, choices=Kind.choices)
    system = models.ForeignKey(ManpadsSystem, verbose_name=_("system"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="components")
    lot_number = models.CharField(_("lot number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("MANPADS component")
        verbose_name_plural = _("MANPADS components")
        indexes = [models.Index(fields=["owner_state", "serial_normalised"])]


class LifeEvent(OwnedModel):
    """One event in an item's life. Saving it validates the sequence and refreshes the item."""

    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    holder_org = models.ForeignKey(Organisation, verbose_name=_("holder (unit or site)"),
                                   on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    holder_person = models.CharField(_("holder (person)"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    document_reference = models.CharField(_("document reference"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True
        ordering = ["date", "pk"]

    @property
    def holder_label(self) -> str | None:
        return str(self.holder_org_id or "") or self.holder_person or None

    def clean(self) -> None:
        super().clean()
        item = getattr(self, "item", None) if self.item_id else None
        if item is None:
            return
        existing = [e for e in item.events.order_by("date", "pk") if e.pk != self.pk]
        sequence = sorted([*existing, self], key=lambda e: (e.date, e.pk or float("inf")))
        try:
            lifecycle.derive((e.kind, e.holder_label) for e in sequence)
        except lifecycle.InvalidTransition as exc:
            raise ValidationError(
                {"kind": _("A “%(kind)s” event cannot follow status “%(status)s”.")
                 % {"kind": EventKind(exc.kind).label, "status": Status(exc.status).label}}
            ) from exc

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.item.refresh_projection()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class WeaponEvent(LifeEvent):
    item = models.ForeignKey(Weapon, verbose_name=_("weapon"), on_delete=models.PROTECT, related_name="events")

    class Meta(LifeEvent.Meta):
        verbose_name = _("weapon event")
        verbose_name_plural = _("weapon events")


class ComponentEvent(LifeEvent):
    item = models.ForeignKey(ManpadsComponent, verbose_name=_("component"), on_delete=models.PROTECT,
                             related_name="events")

    class Meta(LifeEvent.Meta):
        verbose_name = _("MANPADS component event")
        verbose_name_plural = _("MANPADS component events")


class LotCondition(models.TextChoices):
    SERVICEABLE = "serviceable", _("Serviceable")
    UNSERVICEABLE = "unserviceable", _("Unserviceable")
    SUSPENDED = "suspended", _("Suspended")


class AmmunitionLot(OwnedModel):
    """A lot of ammunition or explosives; its quantity is the sum of its transactions."""

    class Unit(models.TextChoices):
        ROUNDS = "rounds", _("rounds / items")
        KG = "kg", _("kilograms")

    manufacturer = models.ForeignKey(Manufacturer, verbose_name=_("manufacturer"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    description = models.CharField(_("type"), max_length=120,
                                   help_text=_("e.g. 7.62×39 ball, PG-7V grenade, plastic explosive"))
    calibre = models.ForeignKey(Calibre, verbose_name=_("calibre"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    lot_number = models.CharField(_("lot number"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year of manufacture"), null=True, blank=True, validators=YEAR)
    headstamp = models.CharField(_("headstamp"), max_length=60, blank=True)
    hazard_division = models.CharField(_("hazard division"), max_length=3,
                                       choices=[(d, d) for d in hazard.DIVISIONS])
    compatibility_group = models.CharField(_("compatibility group"), max_length=1,
                                           choices=[(g, g) for g in hazard.GROUPS])
    neq_per_unit_kg = models.DecimalField(_("net explosive quantity per unit (kg)"), max_digits=12,
                                          decimal_places=4, validators=[MinValueValidator(Decimal(0))])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.ROUNDS)
    condition = models.CharField(_("condition"), max_length=20, choices=LotCondition.choices,
                                 default=LotCondition.SERVICEABLE)
    holder_org = models.ForeignKey(Organisation, verbose_name=_("held at"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("ammunition or explosives lot")
        verbose_name_plural = _("ammunition and explosives lots")
        constraints = [models.UniqueConstraint(fields=["owner_state", "manufacturer", "lot_number", "description"],
                                               name="unique_lot")]

    def clean(self) -> None:
        super().clean()
        if self.hazard_division and self.compatibility_group and not hazard.is_legal(
            self.hazard_division, self.compatibility_group
        ):
            raise ValidationError({"compatibility_group": _(
                "%(code)s is not a legal hazard code: division %(division)s allows groups %(groups)s."
            ) % {"code": f"{self.hazard_division}{self.compatibility_group}", "division": self.hazard_division,
                 "groups": ", ".join(hazard.LEGAL_GROUPS[self.hazard_division])}})

    @property
    def quantity(self) -> Decimal:
        return self.transactions.aggregate(q=Sum("delta"))["q"] or Decimal(0)

    def __str__(self) -> str:
        return f"{self.description} lot {self.lot_number}"


class LotTransaction(OwnedModel):
    """A movement of a lot's quantity. A correction is a reversing transaction with a reason."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        RETURNED = "returned", _("Returned")
        FOUND = "found", _("Found in excess (count)")
        ISSUED = "issued", _("Issued")
        CONSUMED = "consumed", _("Consumed / fired")
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        DESTROYED = "destroyed", _("Destroyed")
        SHORTFALL = "shortfall", _("Shortfall (count)")

    INCREASES = frozenset({"received", "returned", "found"})

    lot = models.ForeignKey(AmmunitionLot, verbose_name=_("lot"), on_delete=models.PROTECT,
                            related_name="transactions")
    kind = models.CharField(_("transaction"), max_length=20, choices=Kind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    delta = models.DecimalField(max_digits=14, decimal_places=3, editable=False)
    date = models.DateField(_("date"))
    reference = models.CharField(_("document reference"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("lot transaction")
        verbose_name_plural = _("lot transactions")

    def clean(self) -> None:
        super().clean()
        if not self.lot_id or self.quantity is None or not self.kind:
            return
        if self.kind == "issued" and self.lot.condition == LotCondition.SUSPENDED:
            raise ValidationError({"kind": _("This lot is suspended and cannot be issued.")})
        if self.kind not in self.INCREASES and self.quantity > self.lot.quantity:
            raise ValidationError({"quantity": _("Only %(available)s available in this lot.")
                                   % {"available": self.lot.quantity}})

    def prepare(self) -> None:
        super().prepare()
        self.delta = self.quantity if self.kind in self.INCREASES else -self.quantity


class Attachment(OwnedModel):
    """A photograph or document attached to any record (kept for as long as the record)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photograph")
        DOCUMENT = "document", _("Document")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]
