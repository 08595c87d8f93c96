"""Storage sites and the buildings or storage units inside them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import Organisation, OwnedModel

LATITUDE = [MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))]
LONGITUDE = [MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))]


class Site(OwnedModel):
    class Kind(models.TextChoices):
        DEPOT = "depot", _("Depot")
        ARMOURY = "armoury", _("Armoury")
        UNIT_STORE = "unit_store", _("Unit store")
        COLLECTION_POINT = "collection_point", _("Collection point")
        DESTRUCTION_SITE = "destruction_site", _("Destruction site")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPOT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    region = models.CharField(_("region"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE)
    organisation = models.OneToOneField(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                        null=True, blank=True, editable=False, related_name="site",
                                        help_text=_("The site as a holder of weapons in the register"))
    owning_unit = models.ForeignKey(Organisation, verbose_name=_("owning unit"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    custodians = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("custodians"), blank=True,
                                        related_name="custodian_of")
    target_rrpl = models.PositiveSmallIntegerField(_("target security level (RRPL)"), default=2,
                                                   validators=[MinValueValidator(1), MaxValueValidator(3)])
    estimated_manpads = models.PositiveIntegerField(
        _("MANPADS believed present"), default=0,
        help_text=_("Estimate of systems believed to be held here, for the accounted-for picture"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("storage site")
        verbose_name_plural = _("storage sites")
        constraints = [models.UniqueConstraint(fields=["owner_state", "name"], name="unique_site_name")]

    def save(self, *args, **kwargs):
        """A site is also an organisation, so weapons can name it as their holder."""
        if self.organisation_id is None and self.owner_state_id:
            self.organisation, _created = Organisation.objects.get_or_create(
                name=self.name, country_id=self.owner_state_id,
                defaults={"kind": Organisation.Kind.SITE, "parent": self.owning_unit})
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class StorageUnit(OwnedModel):
    """A building, room or container of a site: where items are, and what safety limits apply."""

    class Kind(models.TextChoices):
        BUILDING = "building", _("Building")
        ROOM = "room", _("Room / armoury")
        CONTAINER = "container", _("Container")
        OPEN = "open", _("Open storage")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUILDING)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE)
    licensed_neq_kg = models.DecimalField(_("licensed net explosive quantity (kg)"), max_digits=12, decimal_places=3,
                                          default=Decimal(0), validators=[MinValueValidator(Decimal(0))],
                                          help_text=_("0 means no explosives may be stored here"))

    class Meta:
        ordering = ["site__name", "name"]
        verbose_name = _("storage unit")
        verbose_name_plural = _("storage units")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="unique_unit_name")]

    @property
    def position(self) -> tuple[float, float]:
        lat = self.latitude if self.latitude is not None else self.site.latitude
        lon = self.longitude if self.longitude is not None else self.site.longitude
        return float(lat), float(lon)

    def __str__(self) -> str:
        return f"{self.site} / {self.name}"
