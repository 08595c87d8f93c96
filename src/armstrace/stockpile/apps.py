from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockpileConfig(AppConfig):
    """Stockpile management and physical security: sites, holdings, transfers, counts, MANPADS, safety."""

    name = "armstrace.stockpile"
    label = "stockpile"
    verbose_name = _("Stockpiles")

    def ready(self) -> None:
        from . import registration  # noqa: F401
