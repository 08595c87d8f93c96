"""Illicit-trafficking pages: matching seized items, tracing requests, diversion analysis, statistics."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from armstrace.core.models import Country
from armstrace.identify.views import highlighted
from armstrace.registry.models import ManpadsComponent, Weapon

from . import services, statistics
from .graph import build
from .models import DiversionGroup, SeizedItem, Seizure, SeizureParty, TracingRequest


def _errors(request: HttpRequest, exc: Exception) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


@login_required
def match(request: HttpRequest, pk: int) -> HttpResponse:
    """The register candidates for a seized item, side by side, to confirm or reject."""
    item = get_object_or_404(SeizedItem.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reject":
                services.reject_candidates(item, request.user, request.POST.get("reason", ""))
            else:
                model = Weapon if request.POST.get("type") == "weapons" else ManpadsComponent
                record = get_object_or_404(model.objects.visible_to(request.user), pk=request.POST.get("record"))
                services.confirm_match(item, record, request.user, request.POST.get("reason", ""))
                messages.success(request, _("Match confirmed: %(record)s") % {"record": record})
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("seized-item-match", pk=item.pk)
    rows = [{"c": c, "serial_html": highlighted(c.record.serial_number, c), "missing": c.reported_missing_by}
            for c in services.candidates(item, request.user)]
    return render(request, "illicit/match.html", {"item": item, "rows": rows, "reading": item.serial_as_read})


@login_required
def trace(request: HttpRequest, pk: int) -> HttpResponse:
    """Open an outgoing tracing request for a seized item, prefilled with what the Instrument asks for."""
    item = get_object_or_404(SeizedItem.objects.writable_by(request.user), pk=pk)
    if request.method == "POST":
        country = Country.objects.filter(iso3=request.POST.get("counterpart", "")).first()
        try:
            if country is None:
                raise ValidationError({"counterpart": _("Choose the State to ask.")})
            tr = services.draft_from_item(
                item, country, request.user, addressed_as=request.POST.get("addressed_as", "manufacture"),
                urgent=bool(request.POST.get("urgent")), illicit_character=request.POST.get("illicit_character", ""),
                intended_use=request.POST.get("intended_use", ""), reference=request.POST.get("reference", ""))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return redirect("tracing-progress", pk=tr.pk)
    suggested = (item.import_country_id or (item.manufacturer.country_id if item.manufacturer else "") or "")
    return render(request, "illicit/trace.html", {"item": item, "countries": Country.objects.all(),
                                                   "suggested": suggested})


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    tr = get_object_or_404(TracingRequest.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        answer = {k: request.POST.get(k, "") for k in ("last_legal_holder", "point_of_diversion", "how_established",
                                                        "text")}
        try:
            services.advance(tr, request.POST.get("action", ""), request.user,
                             **(answer if request.POST.get("action") in ("answer", "partial") else {}))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("tracing-progress", pk=tr.pk)
    actions = [a for a, (allowed, _t) in services.TRANSITIONS.items() if tr.status in allowed]
    return render(request, "illicit/progress.html", {"tr": tr, "actions": actions,
                                                      "reminders": services.reminders(tr)})


@login_required
def print_request(request: HttpRequest, pk: int) -> HttpResponse:
    tr = get_object_or_404(TracingRequest.objects.visible_to(request.user), pk=pk)
    return render(request, "illicit/print.html", {"tr": tr})


@login_required
def export_request(request: HttpRequest, pk: int) -> HttpResponse:
    tr = get_object_or_404(TracingRequest.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(json.dumps(services.export_request(tr), ensure_ascii=False, indent=1),
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="tracing-request-{tr.reference}.json"'
    return response


@login_required
def import_request(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose the request file."))
            tr = services.import_request(upload.read(1_000_000), request.user)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Incoming request %(ref)s registered.") % {"ref": tr.reference})
            return redirect("tracing-progress", pk=tr.pk)
    requests = TracingRequest.objects.visible_to(request.user)
    return render(request, "illicit/import.html", {"overdue": services.overdue(requests),
                                                   "response_times": services.response_times(requests)})


@login_required
def diversion(request: HttpRequest) -> HttpResponse:
    """Run the linkage and show the groups as a network and as flows on the map."""
    if request.method == "POST":
        try:
            groups = services.run_analysis(request.user)
            messages.success(request, _("%(n)d groups found.") % {"n": len(groups)})
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("diversion")
    groups = list(DiversionGroup.objects.visible_to(request.user).exclude(decision="rejected")[:60])
    seizure_ids = {s for g in groups for s in g.seizure_ids}
    seizures = Seizure.objects.visible_to(request.user).in_bulk(list(seizure_ids))
    parties: dict[int, list[Any]] = {}
    for party in SeizureParty.objects.visible_to(request.user).filter(seizure_id__in=seizure_ids):
        parties.setdefault(party.seizure_id, []).append(party)
    sources: dict[int, set[str]] = {}
    flows = []
    for g in groups:
        items = SeizedItem.objects.visible_to(request.user).filter(pk__in=g.item_ids).select_related(
            "matched_weapon__holder_org__site", "seizure")
        for it in items:
            holder = it.matched_weapon.holder_org if it.matched_weapon_id else None
            site = getattr(holder, "site", None) if holder else None
            if site is not None:
                sources.setdefault(g.pk, set()).add(site.name)
                if it.seizure.latitude is not None:
                    flows.append({"from": [float(site.latitude), float(site.longitude)],
                                  "to": [float(it.seizure.latitude), float(it.seizure.longitude)],
                                  "label": f"{site.name} → {it.seizure.reference}"})
    points = [{"lat": float(s.latitude), "lon": float(s.longitude), "label": str(s), "kind": "seizure",
               "flagged": True} for s in seizures.values() if s.latitude is not None]
    return render(request, "illicit/diversion.html", {
        "groups": groups, "graph": build(groups, seizures, parties, sources),
        "map_data": {"points": points, "lines": flows}})


@login_required
def seizure_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a seizure happened, and flows from the stockpiles its matched weapons were held at."""
    seizure = get_object_or_404(Seizure.objects.visible_to(request.user), pk=pk)
    points, lines = [], []
    if seizure.latitude is not None:
        points.append({"lat": float(seizure.latitude), "lon": float(seizure.longitude), "label": str(seizure),
                       "kind": "seizure", "flagged": True})
        for item in seizure.items.filter(matched_weapon__holder_org__site__isnull=False).select_related(
                "matched_weapon__holder_org__site"):
            site = item.matched_weapon.holder_org.site
            lines.append({"from": [float(site.latitude), float(site.longitude)],
                          "to": [float(seizure.latitude), float(seizure.longitude)], "label": f"{site} → {item}"})
    return render(request, "illicit/seizure_map.html", {"seizure": seizure,
                                                         "map_data": {"points": points, "lines": lines}})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(DiversionGroup.objects.writable_by(request.user), pk=pk)
    try:
        services.decide_group(group, request.POST.get("decision", ""), request.POST.get("reason", ""), request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("diversion")


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    seizures, items = statistics.scoped(request.user)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(statistics.questionnaire_xlsx(seizures, items), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = 'attachment; filename="illicit-arms-flows.xlsx"'
        return response
    return render(request, "illicit/statistics.html", {"sdg": statistics.sdg_16_4_2(items),
                                                        "tables": statistics.tables(seizures, items)})


@login_required
def drill(request: HttpRequest) -> HttpResponse:
    """The items behind one number of the indicator."""
    _seizures, items = statistics.scoped(request.user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError as exc:
        raise Http404(_("No such figure.")) from exc
    state = request.GET.get("state", "")
    part = "numerator" if request.GET.get("part") == "numerator" else "denominator"
    chosen = statistics.drill_down(items, state, year, part).select_related("seizure", "model")
    return render(request, "illicit/drill.html", {"row": {"state": state, "year": year}, "part": part,
                                                   "items": chosen[:5000], "total": chosen.count()})
