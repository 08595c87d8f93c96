"""Seizures as the UN illicit-arms-flows questionnaire counts them, tracing requests under the
International Tracing Instrument, and the diversion groups the analysis proposes.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.catalogue.models import Calibre, Manufacturer, WeaponModel, WeaponType
from armstrace.core.models import Country, Organisation, OwnedModel
from armstrace.registry.models import YEAR, ManpadsComponent, Weapon
from armstrace.registry.serials import normalised_serial
from armstrace.stockpile.models.sites import LATITUDE, LONGITUDE


class Seizure(OwnedModel):
    class Recovery(models.TextChoices):
        SEIZED = "seized", _("Seized")
        FOUND = "found", _("Found")
        SURRENDERED = "surrendered", _("Surrendered")

    class LegalContext(models.TextChoices):
        POSSESSION = "illicit_possession", _("Illicit possession")
        TRAFFICKING = "illicit_trafficking", _("Illicit trafficking")
        MANUFACTURING = "illicit_manufacturing", _("Illicit manufacturing")
        OTHER = "other", _("Other offence")
        NONE = "none", _("No offence (found or surrendered)")

    class CriminalContext(models.TextChoices):
        TERRORISM = "terrorism", _("Terrorism")
        ORGANISED_CRIME = "organised_crime", _("Organised crime")
        ARMED_CONFLICT = "armed_conflict", _("Armed conflict")
        DRUG_TRAFFICKING = "drug_trafficking", _("Drug trafficking")
        OTHER = "other", _("Other crime")
        UNKNOWN = "unknown", _("Unknown")

    reference = models.CharField(_("reference"), max_length=100)
    recovery = models.CharField(_("seized, found or surrendered"), max_length=12, choices=Recovery.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    region = models.CharField(_("region"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE)
    seizing_agency = models.ForeignKey(Organisation, verbose_name=_("seizing agency"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    legal_context = models.CharField(_("legal context"), max_length=30, choices=LegalContext.choices)
    criminal_context = models.CharField(_("criminal context"), max_length=20, choices=CriminalContext.choices,
                                        default=CriminalContext.UNKNOWN)
    border_crossing = models.CharField(_("border crossing"), max_length=200, blank=True)
    origin_country = models.ForeignKey(Country, verbose_name=_("route: origin"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    transit = models.CharField(_("route: transit countries"), max_length=200, blank=True,
                               help_text=_("ISO alpha-3 codes separated by spaces, in order"))
    destination_country = models.ForeignKey(Country, verbose_name=_("route: destination"),
                                            on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cash_usd = models.DecimalField(_("cash seized (USD equivalent)"), max_digits=14, decimal_places=2, null=True,
                                   blank=True)
    sources = models.TextField(_("sources and documents"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("seizure or recovery")
        verbose_name_plural = _("seizures and recoveries")
        indexes = [models.Index(fields=["owner_state", "date"])]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Items carry the seizure's year and kind for statistics without a join (derived, not ledgered).
        self.items.exclude(year=self.date.year, recovery=self.recovery).update(year=self.date.year,
                                                                               recovery=self.recovery)

    def __str__(self) -> str:
        return f"{self.reference} ({self.date})"


class SeizureParty(OwnedModel):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        GROUP = "group", _("Group or organisation")
        VEHICLE = "vehicle", _("Vehicle or vessel")

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name or description"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True, help_text=_("e.g. driver, buyer, owner"))
    nationality = models.ForeignKey(Country, verbose_name=_("nationality / registration"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    identifier = models.CharField(_("document or plate number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("person, group or vehicle")
        verbose_name_plural = _("people, groups and vehicles")

    def __str__(self) -> str:
        return self.name


class SeizedItem(OwnedModel):
    class Category(models.TextChoices):
        WEAPON = "weapon", _("Weapon")
        MANPADS = "manpads", _("MANPADS component")
        AMMUNITION = "ammunition", _("Ammunition")
        EXPLOSIVE = "explosive", _("Explosive")
        IED_COMPONENT = "ied_component", _("IED component (detonator, initiator…)")
        OTHER = "other", _("Other")

    class Match(models.TextChoices):
        NONE = "none", _("Not matched")
        CONFIRMED = "confirmed", _("Confirmed match")
        REJECTED = "rejected", _("Candidates rejected")

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    weapon_type = models.CharField(_("weapon type"), max_length=20, choices=WeaponType.choices, blank=True)
    manufacturer = models.ForeignKey(Manufacturer, verbose_name=_("manufacturer"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    manufacturer_as_read = models.CharField(_("manufacturer as read"), max_length=200, blank=True)
    model = models.ForeignKey(WeaponModel, verbose_name=_("model"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    calibre = models.ForeignKey(Calibre, verbose_name=_("calibre"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    serial_as_read = models.CharField(_("serial as read"), max_length=100, blank=True)
    serial_normalised = models.CharField(max_length=100, editable=False, blank=True, db_index=True)
    other_markings = models.TextField(_("other markings"), blank=True)
    import_country = models.ForeignKey(Country, verbose_name=_("import marking: country"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    import_year = models.PositiveSmallIntegerField(_("import marking: year"), null=True, blank=True,
                                                   validators=YEAR)
    year_of_manufacture = models.PositiveSmallIntegerField(_("year of manufacture"), null=True, blank=True,
                                                           validators=YEAR)
    lot_number = models.CharField(_("lot number"), max_length=60, blank=True)
    headstamp = models.CharField(_("headstamp"), max_length=60, blank=True)
    quantity = models.DecimalField(_("quantity (count)"), max_digits=14, decimal_places=3, default=Decimal(1),
                                   validators=[MinValueValidator(Decimal(0))])
    mass_kg = models.DecimalField(_("mass (kg)"), max_digits=12, decimal_places=3, null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    match_status = models.CharField(_("register match"), max_length=10, choices=Match.choices,
                                    default=Match.NONE, editable=False)
    matched_weapon = models.ForeignKey(Weapon, null=True, blank=True, on_delete=models.PROTECT, editable=False,
                                       related_name="seizures")
    matched_component = models.ForeignKey(ManpadsComponent, null=True, blank=True, on_delete=models.PROTECT,
                                          editable=False, related_name="seizures")
    diversion_established = models.BooleanField(_("point of diversion established"), default=False)
    diversion_how = models.CharField(_("how it was established"), max_length=200, blank=True,
                                     help_text=_("e.g. trace answered by the State of manufacture; register match"))
    year = models.PositiveSmallIntegerField(editable=False, default=0)  # the seizure's, for statistics
    recovery = models.CharField(max_length=12, editable=False, blank=True)  # the seizure's, for statistics

    ledger_exclude = ("serial_normalised", "year", "recovery")

    class Meta:
        verbose_name = _("seized item")
        verbose_name_plural = _("seized items")
        indexes = [
            models.Index(fields=["owner_state", "category"]),
            # 16.4.2 and the questionnaire tables are grouped over these columns alone (no join).
            models.Index(fields=["owner_state", "year", "category", "diversion_established", "year_of_manufacture"],
                         name="seizeditem_sdg"),
            models.Index(fields=["owner_state", "category", "weapon_type", "recovery", "quantity"],
                         name="seizeditem_types"),
        ]

    def prepare(self) -> None:
        super().prepare()
        self.serial_normalised = normalised_serial(self.serial_as_read) if self.serial_as_read else ""
        if self.seizure_id:
            self.year, self.recovery = self.seizure.date.year, self.seizure.recovery

    def clean(self) -> None:
        super().clean()
        if self.diversion_established and not self.diversion_how.strip():
            raise ValidationError({"diversion_how": _("Say how the point of diversion was established.")})

    @property
    def is_arm(self) -> bool:
        return self.category in (self.Category.WEAPON, self.Category.MANPADS)

    def __str__(self) -> str:
        what = self.model or self.get_weapon_type_display() or self.get_category_display()
        return f"{what} {self.serial_as_read or self.lot_number or self.description}".strip()


class Notification(OwnedModel):
    """Tells a record's owner that a seizure confirmed a match to it (as iARMS notifies the recording country)."""

    recipient = models.ForeignKey(Organisation, verbose_name=_("for"), on_delete=models.PROTECT,
                                  related_name="notifications")
    seized_item = models.ForeignKey(SeizedItem, on_delete=models.PROTECT, related_name="notifications")
    weapon = models.ForeignKey(Weapon, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    component = models.ForeignKey(ManpadsComponent, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    message = models.TextField(_("message"))
    acknowledged = models.BooleanField(_("acknowledged"), default=False)

    class Meta:
        ordering = ["acknowledged", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message[:80]


class TracingRequest(OwnedModel):
    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing (we ask)")
        INCOMING = "incoming", _("Incoming (we are asked)")

    class AddressedAs(models.TextChoices):
        MANUFACTURE = "manufacture", _("State of manufacture")
        IMPORT = "import", _("State of last legal import")
        OTHER = "other", _("Other State on the trail")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ANSWERED = "answered", _("Answered")
        PARTIAL = "partial", _("Partially answered")
        NO_RESPONSE = "no_response", _("No response")
        CLOSED = "closed", _("Closed")

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices,
                                 default=Direction.OUTGOING)
    reference = models.CharField(_("reference"), max_length=100)
    seized_item = models.ForeignKey(SeizedItem, verbose_name=_("seized item"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="tracing_requests")
    counterpart = models.ForeignKey(Country, verbose_name=_("requested (or requesting) State"),
                                    on_delete=models.PROTECT, related_name="+")
    addressed_as = models.CharField(_("addressed as"), max_length=12, choices=AddressedAs.choices,
                                    default=AddressedAs.MANUFACTURE)
    urgent = models.BooleanField(_("urgent"), default=False)
    weapon_type = models.CharField(_("weapon type"), max_length=20, choices=WeaponType.choices, blank=True)
    make = models.CharField(_("make"), max_length=200, blank=True)
    model_name = models.CharField(_("model"), max_length=120, blank=True)
    calibre_name = models.CharField(_("calibre"), max_length=60, blank=True)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    markings = models.TextField(_("all markings as read"), blank=True)
    circumstances = models.TextField(_("circumstances of the recovery"))
    illicit_character = models.TextField(_("why the weapon is considered illicit"))
    intended_use = models.TextField(_("intended use of the information"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, editable=False)
    due_on = models.DateField(_("response due"), null=True, blank=True, editable=False)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True, editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    answer_last_legal_holder = models.CharField(_("answer: last legal holder"), max_length=200, blank=True,
                                                editable=False)
    answer_point_of_diversion = models.CharField(_("answer: point of diversion"), max_length=200, blank=True,
                                                 editable=False)
    answer_how_established = models.CharField(_("answer: how established"), max_length=200, blank=True,
                                              editable=False)
    answer_text = models.TextField(_("answer"), blank=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("tracing request")
        verbose_name_plural = _("tracing requests")

    def __str__(self) -> str:
        return self.reference


class DiversionGroup(OwnedModel):
    """Seized items that probably share a source, with the evidence; an analyst accepts or rejects."""

    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    key = models.CharField(_("group"), max_length=40)
    item_ids = models.JSONField(default=list, editable=False)
    seizure_ids = models.JSONField(default=list, editable=False)
    evidence = models.JSONField(default=list, editable=False)
    kinds = models.CharField(_("evidence"), max_length=200, editable=False)
    confidence = models.FloatField(_("confidence"), editable=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   editable=False, related_name="+")

    class Meta:
        ordering = ["-confidence"]
        verbose_name = _("diversion group")
        verbose_name_plural = _("diversion groups")
        constraints = [models.UniqueConstraint(fields=["owner_state", "key"], name="unique_group_key")]

    def __str__(self) -> str:
        return _("Group %(key)s (%(n)d items)") % {"key": self.key, "n": len(self.item_ids)}
