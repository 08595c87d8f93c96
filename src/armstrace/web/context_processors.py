"""Navigation built from the registrations, so a new app appears in the menu by registering."""

from django.utils.translation import gettext_lazy as _

from armstrace.core.permissions import can_verify_ledger
from armstrace.core.registration import REGISTRY

MENU_GROUPS = [("register", _("Register")), ("stockpile", _("Stockpiles")), ("illicit", _("Illicit trafficking")),
               ("catalogue", _("Catalogue"))]


def navigation(request):
    groups = [(label, [r for r in REGISTRY.values() if r.menu == key]) for key, label in MENU_GROUPS]
    user = getattr(request, "user", None)
    return {
        "nav_groups": [(label, regs) for label, regs in groups if regs],
        "can_verify_ledger": bool(user and can_verify_ledger(user)),
        "rtl": request.LANGUAGE_CODE in ("ar", "he", "fa", "ur") if hasattr(request, "LANGUAGE_CODE") else False,
    }
