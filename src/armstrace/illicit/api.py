"""Illicit-trafficking operations over the API (same services as the pages)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from armstrace.identify.views import as_dict
from armstrace.registry.models import ManpadsComponent, Weapon

from . import services, statistics
from .models import SeizedItem, TracingRequest


@extend_schema(responses=dict)
@api_view(["GET"])
def candidates(request: Request, pk: int) -> Response:
    item = get_object_or_404(SeizedItem.objects.visible_to(request.user), pk=pk)
    return Response({"item": pk, "candidates": [as_dict(c) for c in services.candidates(item, request.user)]})


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def confirm(request: Request, pk: int) -> Response:
    """Body: {"type": "weapons"|"manpads-components", "record": id, "reason": "..."}"""
    item = get_object_or_404(SeizedItem.objects.visible_to(request.user), pk=pk)
    model = Weapon if request.data.get("type", "weapons") == "weapons" else ManpadsComponent
    record = get_object_or_404(model.objects.visible_to(request.user), pk=request.data.get("record"))
    services.confirm_match(item, record, request.user, request.data.get("reason", ""))
    return Response({"match_status": item.match_status, "diversion_established": item.diversion_established})


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def advance(request: Request, pk: int, action: str) -> Response:
    tr = get_object_or_404(TracingRequest.objects.writable_by(request.user), pk=pk)
    answer = {k: request.data.get(k, "") for k in ("last_legal_holder", "point_of_diversion", "how_established",
                                                   "text")} if action in ("answer", "partial") else {}
    services.advance(tr, action, request.user, **answer)
    return Response({"status": tr.status, "due_on": tr.due_on})


@extend_schema(responses=dict)
@api_view(["GET"])
def export(request: Request, pk: int) -> Response:
    return Response(services.export_request(get_object_or_404(TracingRequest.objects.visible_to(request.user),
                                                              pk=pk)))


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def import_request(request: Request) -> Response:
    tr = services.import_request(request.data, request.user)
    return Response({"id": tr.pk, "status": tr.status, "due_on": tr.due_on}, status=201)


@extend_schema(request=None, responses=dict)
@api_view(["POST"])
def run(request: Request) -> Response:
    groups = services.run_analysis(request.user)
    return Response({"groups": [{"id": g.pk, "key": g.key, "items": g.item_ids, "seizures": g.seizure_ids,
                                 "evidence": g.kinds, "confidence": g.confidence} for g in groups]})


@extend_schema(responses=dict)
@api_view(["GET"])
def stats(request: Request) -> Response:
    seizures, items = statistics.scoped(request.user)
    drill = reverse("illicit-drill")
    rows = [{**row, "items": {part: f"{drill}?state={row['state']}&year={row['year']}&part={part}"
                              for part in ("numerator", "denominator")}} for row in statistics.sdg_16_4_2(items)]
    return Response({"sdg_16_4_2": rows, **statistics.tables(seizures, items)})
