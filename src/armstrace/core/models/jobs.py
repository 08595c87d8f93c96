"""A record of each bulk import: who, what file, how many rows, and its error report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed (dry run)")
        DONE = "done", _("Imported")
        PARTIAL = "partial", _("Imported valid rows; errors reported")
        REJECTED = "rejected", _("Rejected: nothing written")

    target = models.CharField(_("target"), max_length=50)
    file_name = models.CharField(_("file"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    owner_state = models.CharField(max_length=3, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    rows_total = models.IntegerField(default=0)
    rows_written = models.IntegerField(default=0)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.target} {self.file_name} ({self.status})"
