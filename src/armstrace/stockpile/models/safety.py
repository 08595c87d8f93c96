"""What quantity-distance protects (exposures) and periodic site security assessments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import OwnedModel

from .sites import LATITUDE, LONGITUDE, Site


class Exposure(OwnedModel):
    class Kind(models.TextChoices):
        PROCESS = "process_building", _("Process building (inside the storage area)")
        ROAD = "public_traffic_route", _("Public traffic route")
        INHABITED = "inhabited_building", _("Inhabited building")
        VULNERABLE = "vulnerable_building", _("Vulnerable building (school, hospital)")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE)

    class Meta:
        verbose_name = _("exposed building or route")
        verbose_name_plural = _("exposed buildings and routes")

    def __str__(self) -> str:
        return self.name


class SecurityAssessment(OwnedModel):
    """A site's physical-security checklist; its risk-reduction level is computed, not typed."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="assessments")
    date = models.DateField(_("date"))
    answers = models.JSONField(_("answers"), default=dict)
    level = models.PositiveSmallIntegerField(_("risk reduction level reached"), default=0, editable=False)
    scores = models.JSONField(default=dict, editable=False)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False,
                                 related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("security assessment")
        verbose_name_plural = _("security assessments")

    def prepare(self) -> None:
        super().prepare()
        from armstrace.safety.rrpl import assess

        result = assess({k: bool(v) for k, v in (self.answers or {}).items()})
        self.level = result.level
        self.scores = {"per_level": {str(k): v for k, v in result.scores.items()},
                       "failed_critical": list(result.failed_critical)}

    def __str__(self) -> str:
        return f"{self.site} {self.date}: RRPL {self.level}"


class StoreAccess(OwnedModel):
    """An entry into a MANPADS store: always two authorised people, both recorded."""

    storage_unit = models.ForeignKey("stockpile.StorageUnit", verbose_name=_("storage unit"),
                                     on_delete=models.PROTECT, related_name="accesses")
    entered_at = models.DateTimeField(_("entered at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    second_person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("second authorised person"),
                                      null=True, blank=True, on_delete=models.PROTECT, editable=False,
                                      related_name="+")

    class Meta:
        ordering = ["-entered_at"]
        verbose_name = _("MANPADS store access")
        verbose_name_plural = _("MANPADS store accesses")

    def clean(self) -> None:
        super().clean()
        from armstrace.core.context import current_actor

        from ..services.movements import check_two_persons

        check_two_persons(self, current_actor().user)

    def __str__(self) -> str:
        return f"{self.storage_unit} {self.entered_at:%Y-%m-%d %H:%M}"
