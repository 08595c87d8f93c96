"""Explicit sharing of one record with another organisation (read-only for the recipient)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Share(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("shared with"), on_delete=models.PROTECT, related_name="shares"
    )
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("share")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "organisation"], name="unique_share")
        ]
        indexes = [models.Index(fields=["organisation", "content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.organisation_id}"
