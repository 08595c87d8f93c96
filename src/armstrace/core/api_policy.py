"""API-wide policy referenced from settings (kept apart from api.py to avoid an import cycle)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied, ValidationError

from .permissions import can_write


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """Model validation and permission errors become JSON answers naming the field."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)


class RolePermission(permissions.IsAuthenticated):
    """Reading needs a signed-in user; writing needs a role allowed by the registration."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        reg = getattr(view, "registration", None)
        if request.method in permissions.SAFE_METHODS or reg is None:
            return True
        return can_write(request.user, reg.write_roles)
