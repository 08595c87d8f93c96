"""Users belong to one organisation and hold one role; the role decides what they may do."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")
    CUSTODIAN = "custodian", _("Site custodian")
    INVESTIGATOR = "investigator", _("Investigator / tracing officer")
    ANALYST = "analyst", _("Analyst")
    FOCAL_POINT = "focal_point", _("National focal point (approver)")
    AUDITOR = "auditor", _("Auditor (read-only)")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ANALYST)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def state_id(self) -> str | None:
        """The ISO code of the State whose records this user works on (None: international body)."""
        org = self.organisation
        return org.country_id if org else None
