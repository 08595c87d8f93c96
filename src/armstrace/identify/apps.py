from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentifyConfig(AppConfig):
    """Identify a recovered weapon from whatever markings are legible (the marking search)."""

    name = "armstrace.identify"
    label = "identify"
    verbose_name = _("Marking search")

    def ready(self) -> None:
        from armstrace.core.registration import search_providers

        from .views import marking_search_section

        search_providers.append(marking_search_section)
