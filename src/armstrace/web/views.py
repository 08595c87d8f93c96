"""Pages that are not about one kind of record: home, global search, language, ledger check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from armstrace.core import ledger
from armstrace.core.factories import search_q
from armstrace.core.permissions import can_verify_ledger
from armstrace.core.registration import REGISTRY, search_providers

SEARCH_LIMIT = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = [(reg, reg.model.objects.visible_to(request.user).count()) for reg in REGISTRY.values() if reg.menu]
    return render(request, "web/home.html", {"counts": counts})


def global_search(user, text: str) -> list[dict]:
    """Search every registered model the user can see; the marking search adds its own section."""
    sections = []
    for reg in REGISTRY.values():
        if not reg.search_fields or not text:
            continue
        hits = list(reg.model.objects.visible_to(user).filter(search_q(reg, text)).distinct()[:SEARCH_LIMIT])
        if hits:
            sections.append({"reg": reg, "hits": hits})
    return sections


@login_required
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    extra = [section for provider in search_providers if (section := provider(request.user, text))] if text else []
    return render(request, "web/search.html", {"q": text, "sections": global_search(request.user, text),
                                               "extra_sections": extra})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language and remember it: on the user's account when signed in, in a cookie always."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        translation.activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
def ledger_verify(request: HttpRequest) -> HttpResponse:
    if not can_verify_ledger(request.user):
        raise PermissionDenied(_("Only auditors and administrators can verify the ledger."))
    result = ledger.verify() if request.method == "POST" else None
    return render(request, "web/ledger_verify.html", {"result": result})
