from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IllicitConfig(AppConfig):
    """Seizures and recoveries, international tracing requests, diversion analysis, statistics."""

    name = "armstrace.illicit"
    label = "illicit"
    verbose_name = _("Illicit trafficking")

    def ready(self) -> None:
        from . import registration  # noqa: F401
