"""States and the organisations inside them: the owners of every record."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class Country(models.Model):
    """An ISO 3166-1 country. A State that owns records is a Country with organisations."""

    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, primary_key=True)
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        # Translated through django-countries' catalogues, in the user's language.
        return str(countries.name(self.iso2) or self.name_en)


class Organisation(models.Model):
    """A ministry, agency, unit, storage site, branch office, or an international panel.

    Organisations form a tree under their State. An international body (a UN panel of experts)
    has no State and sees only what was explicitly shared with it.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        UNIT = "unit", _("Unit")
        SITE = "site", _("Storage site")
        BRANCH = "branch", _("Branch office")
        INTERNATIONAL = "international", _("International body")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    country = models.ForeignKey(
        Country, verbose_name=_("State"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="unique_org_name_per_state")]

    def __str__(self) -> str:
        return self.name
