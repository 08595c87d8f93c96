"""Request-wide context: the user's remembered language and the ledger's actor."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .context import acting


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's, on every device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class LedgerContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = "api" if request.path.startswith("/api/") else "web"
        with acting(user=request.user, remote_addr=client_address(request), request_id=uuid.uuid4().hex, via=via):
            return self.get_response(request)
