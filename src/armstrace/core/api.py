"""The REST API: one scoped view set per registered model, with the pages' rules.

Deletion does not exist; a change (PUT/PATCH) needs a `reason`, given in the body or in the
`X-Amendment-Reason` header; every response error is JSON with the field that was wrong.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import factories, ledger
from .context import acting
from .middleware import client_address
from .models import LedgerEntry
from .registration import REGISTRY, Registration
from .services import save_record


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["seq", "at", "username", "via", "action", "model", "object_id", "before", "after", "reason",
                  "hash"]


class RecordViewSet(viewsets.ModelViewSet):
    registration: Registration
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return self.registration.model.objects.visible_to(self.request.user).order_by("pk")

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)
        user = self.request.user
        fields = getattr(serializer, "fields", {})
        for f in fields.values():
            qs = getattr(f, "queryset", None)
            if qs is not None and user.is_authenticated:
                from .models import Organisation, OwnedModel

                if qs.model is Organisation:
                    f.queryset = qs.filter(country_id=user.state_id)
                elif issubclass(qs.model, OwnedModel):
                    f.queryset = qs.model.objects.writable_by(user)
        return serializer

    def _save(self, serializer: Any, instance: Any = None) -> None:
        reason = self.request.data.get("reason") or self.request.headers.get("X-Amendment-Reason", "")
        if instance is not None and not str(reason).strip():
            raise ValidationError({"reason": ["A reason is required to amend a record."]})
        obj = instance or self.registration.model()
        for name, value in serializer.validated_data.items():
            setattr(obj, name, value)
        writer = self.registration.writer or save_record
        with acting(user=self.request.user, remote_addr=client_address(self.request), via="api"):
            writer(obj, self.request.user, reason=str(reason) if instance is not None else None,
                   **self.save_kwargs())
        serializer.instance = obj

    def save_kwargs(self) -> dict[str, Any]:
        """The second person of a two-person action authenticates with their own token."""
        token = self.request.headers.get("X-Second-Person-Token", "")
        if not token:
            return {}
        from rest_framework.authtoken.models import Token

        second = Token.objects.select_related("user").filter(key=token, user__is_active=True).first()
        if second is None:
            raise ValidationError({"second_person": ["The second person's token is not valid."]})
        return {"second_person": second.user}

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer)

    def perform_update(self, serializer: Any) -> None:
        instance = serializer.instance
        if not self.registration.model.objects.writable_by(self.request.user).filter(pk=instance.pk).exists():
            raise PermissionDenied("This record belongs to another State and cannot be changed by you.")
        self._save(serializer, instance)

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        return Response(LedgerEntrySerializer(ledger.history(obj), many=True).data)


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for key, reg in REGISTRY.items():
        search = OpenApiParameter("q", str, description="Free-text search")
        viewset = type(
            f"{reg.model.__name__}ViewSet", (RecordViewSet,),
            {"registration": reg, "serializer_class": factories.serializer_class(key),
             "filterset_class": factories.filterset_class(key), "ordering_fields": ["pk", *reg.fields],
             "queryset": reg.model.objects.none(), "__doc__": f"{reg.model._meta.verbose_name_plural}"},
        )
        viewset = extend_schema_view(list=extend_schema(parameters=[search]))(viewset)
        router.register(key, viewset, basename=key)
    return router
