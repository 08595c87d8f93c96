"""Stockpile operations over the API: the same workflows as the pages, JSON in and out.

A countersigning second person authenticates with their own token in `X-Second-Person-Token`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from . import reports, workflows
from .models import Destruction, Discrepancy, Site, Stocktake, Transfer


def _data(request: Request) -> dict[str, Any]:
    data = {k: v for k, v in request.data.items()} if hasattr(request.data, "items") else {}
    if "serials" in data and isinstance(data["serials"], list):
        data["serials"] = "\n".join(data["serials"])
    token = request.headers.get("X-Second-Person-Token")
    if token:
        data["second_person_token"] = token
    return data


@extend_schema(responses=dict)
@api_view(["GET"])
def overview(request: Request) -> Response:
    """Every site in scope with MANPADS held vs believed present, alerts and warnings."""
    return Response(reports.overview(Site.objects.visible_to(request.user)))


@extend_schema(parameters=[OpenApiParameter("on", str, description="YYYY-MM-DD; default today")], responses=dict)
@api_view(["GET"])
def holdings(request: Request, pk: int) -> Response:
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk)
    on = parse_date(request.query_params.get("on", "")) if request.query_params.get("on") else None
    if request.query_params.get("on") and on is None:
        raise ValidationError({"on": "Give a date as YYYY-MM-DD."})
    return Response(reports.site_holdings(site, on))


@extend_schema(responses=dict)
@api_view(["GET"])
def safety(request: Request, pk: int) -> Response:
    return Response(reports.safety(get_object_or_404(Site.objects.visible_to(request.user), pk=pk)))


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def dispatch(request: Request) -> Response:
    transfer = workflows.dispatch_from_form(_data(request), request.user)
    return Response({"id": transfer.pk, "status": transfer.status,
                     "lines": [str(line) for line in transfer.lines.all()]}, status=201)


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def receive(request: Request, pk: int) -> Response:
    transfer = get_object_or_404(Transfer.objects.writable_by(request.user), pk=pk)
    discrepancies = workflows.receive_from_form(transfer, _data(request), request.user)
    return Response({"status": transfer.status, "discrepancies": [d.pk for d in discrepancies]})


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def in_transit(request: Request, pk: int) -> Response:
    transfer = get_object_or_404(Transfer.objects.writable_by(request.user), pk=pk)
    workflows.in_transit(transfer, request.user)
    return Response({"status": transfer.status})


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def resolve(request: Request, pk: int) -> Response:
    discrepancy = get_object_or_404(Discrepancy.objects.writable_by(request.user), pk=pk)
    data = _data(request)
    workflows.resolve(discrepancy, data.get("outcome", ""), data.get("resolution", ""), request.user)
    return Response({"status": discrepancy.status})


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def stocktake(request: Request, pk: int, action: str) -> Response:
    st = get_object_or_404(Stocktake.objects.writable_by(request.user), pk=pk)
    note = workflows.stocktake_action(st, {**_data(request), "action": action}, request.user)
    st.refresh_from_db()
    body: dict[str, Any] = {"status": st.status, "warning": note}
    if st.status not in (Stocktake.Status.REQUESTED, Stocktake.Status.COUNTING) or not st.blind:
        body["result"] = st.result
    return Response(body)


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def assessment(request: Request, pk: int) -> Response:
    site = get_object_or_404(Site.objects.writable_by(request.user), pk=pk)
    record = workflows.assess_from_form(site, _data(request), request.user)
    return Response({"id": record.pk, "level": record.level, "scores": record.scores}, status=201)


@extend_schema(request=dict, responses=dict)
@api_view(["POST"])
def destruction(request: Request, pk: int, action: str) -> Response:
    event = get_object_or_404(Destruction.objects.writable_by(request.user), pk=pk)
    workflows.destruction_action(event, {**_data(request), "action": action}, request.user)
    return Response({"completed": event.completed, "lines": [str(line) for line in event.lines.all()]})
