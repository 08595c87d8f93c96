"""Marking search in the web UI and the API: candidates side by side with the reading."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from .service import Candidate, service

ATTRIBUTES = ("manufacturer", "model", "calibre", "country")


def highlighted(serial: str, candidate: Candidate) -> str:
    """The record's serial with every character the reading did not match marked."""
    marked = {d.raw_position for d in candidate.match.differences if d.raw_position is not None}
    return format_html_join("", "{}", (
        (format_html('<mark class="diffchar">{}</mark>', ch) if i in marked else ch,) for i, ch in enumerate(serial)))


def as_dict(candidate: Candidate) -> dict[str, Any]:
    record, match = candidate.record, candidate.match
    return {
        "type": candidate.registration.key, "id": record.pk, "url": record.get_absolute_url(),
        "serial": record.serial_number, "score": round(match.score, 3), "kind": match.kind,
        "distance": round(match.distance, 3), "explanation": match.explanation,
        "differences": [{"kind": d.kind, "position": d.position, "raw_position": d.raw_position,
                         "registered": d.expected, "read": d.read} for d in match.differences],
        "manufacturer": str(record.manufacturer or record.manufacturer_as_marked or ""),
        "model": str(record.model or ""), "status": record.status, "owner_state": record.owner_state_id,
        "reported_missing": candidate.reported_missing_by,
        # among the closest serials to the reading although the details given point elsewhere
        "closest_serial": match.closest_serial,
    }


def run_search(user: Any, params: Any, limit: int = 10) -> tuple[str, list[Candidate]]:
    reading = (params.get("q") or "").strip()
    if not reading:
        return "", []
    return reading, service.search(user, reading, limit=limit, **{a: params.get(a) for a in ATTRIBUTES})


@login_required
def identify(request: HttpRequest) -> HttpResponse:
    reading, candidates = run_search(request.user, request.GET)
    rows = [{"c": c, "serial_html": highlighted(c.record.serial_number, c), "missing": c.reported_missing_by}
            for c in candidates]
    return render(request, "identify/search.html", {"reading": reading, "rows": rows, "params": request.GET,
                                                    "attributes": ATTRIBUTES})


def marking_search_section(user: Any, text: str) -> dict[str, Any] | None:
    """The global search box also looks the text up as a marking."""
    if len(text.replace(" ", "")) < 3:
        return None
    candidates = service.search(user, text, limit=5)
    rows = [{"c": c, "serial_html": highlighted(c.record.serial_number, c), "missing": c.reported_missing_by}
            for c in candidates]
    return {"template": "identify/results.html", "rows": rows, "reading": text} if rows else None


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(help_text="The marking as read: ? one illegible character, * any run")
    manufacturer = serializers.CharField(required=False)
    model = serializers.CharField(required=False)
    calibre = serializers.CharField(required=False)
    country = serializers.CharField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


@api_view(["GET"])
def identify_api(request: Request) -> Response:
    """Candidates for a marking reading, best first, among the records the caller may see."""
    query = SearchQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    _reading, candidates = run_search(request.user, query.validated_data, limit=query.validated_data["limit"])
    return Response({"reading": query.validated_data["q"], "results": [as_dict(c) for c in candidates],
                     "note": _("Scores compare only within one search; an exact match always ranks first.")})
