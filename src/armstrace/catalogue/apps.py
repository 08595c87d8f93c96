from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "armstrace.catalogue"
    label = "catalogue"
    verbose_name = _("Reference catalogue")

    def ready(self) -> None:
        from . import registration  # noqa: F401
