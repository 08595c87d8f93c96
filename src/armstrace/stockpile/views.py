"""Stockpile pages beyond the generic record pages: map, MANPADS picture, holdings, safety,
transfers, counting, security assessment and destruction workflows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from armstrace.core.permissions import can_write
from armstrace.core.registration import REGISTRY
from armstrace.safety.rrpl import DEFAULT_QUESTIONS

from . import workflows
from .models import Destruction, Discrepancy, SecurityAssessment, Site, Stocktake, StorageUnit, Transfer
from .services import holdings
from .services.oversight import national_picture, site_safety


def _errors(request: HttpRequest, exc: Exception) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def site_map_data(pictures: list[Any]) -> dict[str, Any]:
    return {"sites": [{"id": p.site.pk, "name": p.site.name, "lat": float(p.site.latitude),
                       "lon": float(p.site.longitude), "status": p.status, "url": p.site.get_absolute_url(),
                       "popup": "; ".join([*p.alerts, *p.warnings]) or _("No alerts"),
                       "accounted": p.accounted, "estimated": p.site.estimated_manpads} for p in pictures]}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """All sites on the offline map, and the MANPADS accounted-for picture by region and site."""
    pictures = national_picture(Site.objects.visible_to(request.user))
    regions: dict[str, dict[str, int]] = {}
    for p in pictures:
        region = regions.setdefault(p.site.region or _("(no region)"), {"estimated": 0, "accounted": 0, "sites": 0})
        region["estimated"] += p.site.estimated_manpads
        region["accounted"] += p.accounted
        region["sites"] += 1
    totals = {"estimated": sum(r["estimated"] for r in regions.values()),
              "accounted": sum(r["accounted"] for r in regions.values())}
    return render(request, "stockpile/dashboard.html", {
        "pictures": sorted(pictures, key=lambda p: (p.status != "alert", p.status != "warning", p.site.name)),
        "regions": sorted(regions.items()), "totals": totals, "map_data": site_map_data(pictures),
        "basemap": static("vendor/basemap/countries-50m.geojson")})


@login_required
def site_holdings(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk)
    on = parse_date(request.GET.get("on", "")) or dt.date.today()
    held = holdings(site=site, on=on)
    from armstrace.registry.models import AmmunitionLot, ManpadsComponent, Weapon

    units = {u.pk: u for u in site.units.all()}
    weapons = Weapon._base_manager.filter(pk__in=list(held.weapons)[:2000]).select_related("model")
    components = ManpadsComponent._base_manager.filter(pk__in=list(held.components)[:2000]).select_related("model")
    lots = AmmunitionLot._base_manager.in_bulk([lot for lot, _u in held.lots])
    return render(request, "stockpile/holdings.html", {
        "site": site, "on": on, "held": held,
        "weapons": [(w, units.get(held.weapons[w.pk])) for w in weapons],
        "components": [(c, units.get(held.components[c.pk])) for c in components],
        "lots": [(lots[lot], units.get(unit), q) for (lot, unit), q in held.lots.items()]})


@login_required
def site_safety_page(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk)
    results = site_safety(site)
    circles, points = [], []
    for r in results:
        lat, lon = r.unit.position
        circles += [{"lat": lat, "lon": lon, "radius_m": radius, "kind": kind, "label": f"{r.unit.name}: {kind}"}
                    for kind, radius in r.circles.items()]
        points += [{"lat": v.exposure.lat, "lon": v.exposure.lon, "label": v.exposure.name, "kind": v.exposure.kind,
                    "flagged": True} for v in r.violations]
    map_data = {"center": [float(site.latitude), float(site.longitude)], "zoom": 13, "circles": circles,
                "points": points, "sites": site_map_data(national_picture(Site.objects.filter(pk=site.pk)))["sites"]}
    return render(request, "stockpile/safety.html", {"site": site, "results": results, "map_data": map_data})


@login_required
def transfer_dispatch(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = StorageUnit.objects.writable_by(user).select_related("site")
    sites = Site.objects.writable_by(user)
    if request.method == "POST":
        try:
            transfer = workflows.dispatch_from_form(request.POST, user)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Transfer %(ref)s dispatched.") % {"ref": transfer.reference})
            return redirect(transfer.get_absolute_url())
    return render(request, "stockpile/dispatch.html", {"units": units, "sites": sites, "form": request.POST})


@login_required
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.writable_by(request.user), pk=pk)
    if request.method == "POST":
        try:
            workflows.receive_from_form(transfer, request.POST, request.user)
        except (ValidationError, PermissionDenied, InvalidOperation) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Received: %(status)s") % {"status": transfer.get_status_display()})
            return redirect(transfer.get_absolute_url())
    return render(request, "stockpile/receive.html", {
        "transfer": transfer, "lines": transfer.lines.all(), "units": transfer.to_site.units.all()})


@login_required
def transfer_in_transit(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.writable_by(request.user), pk=pk)
    if request.method == "POST":
        try:
            workflows.in_transit(transfer, request.user)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect(transfer.get_absolute_url())
    return render(request, "stockpile/confirm.html", {
        "object": transfer, "question": _("Record that the escort has taken this transfer (in transit)?")})


@login_required
@require_POST
def discrepancy_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    discrepancy = get_object_or_404(Discrepancy.objects.writable_by(request.user), pk=pk)
    try:
        workflows.resolve(discrepancy, request.POST.get("outcome", ""), request.POST.get("resolution", ""),
                          request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect(discrepancy.get_absolute_url())


@login_required
def stocktake(request: HttpRequest, pk: int) -> HttpResponse:
    """The counting page: start, scan (blind: the expected list stays hidden), close, decide."""
    st = get_object_or_404(Stocktake.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            note = workflows.stocktake_action(st, request.POST, request.user)
        except (ValidationError, PermissionDenied, InvalidOperation) as exc:
            _errors(request, exc)
        else:
            if note:
                messages.warning(request, note)
        return redirect("stocktake", pk=st.pk)
    show_expected = not st.blind or st.status not in (Stocktake.Status.REQUESTED, Stocktake.Status.COUNTING)
    return render(request, "stockpile/stocktake.html", {
        "st": st, "entries": st.entries.order_by("-pk")[:50], "entry_count": st.entries.count(),
        "show_expected": show_expected, "expected_count": len(st.expected.get("serials", {})),
        "can_write": can_write(request.user, REGISTRY["stocktakes"].write_roles)})


@login_required
def assessment(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.writable_by(request.user), pk=site_pk)
    if request.method == "POST":
        try:
            done = workflows.assess_from_form(site, request.POST, request.user)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Risk reduction level reached: %(level)d") % {"level": done.level})
            return redirect(site.get_absolute_url())
    previous = SecurityAssessment.objects.filter(site=site).first()
    return render(request, "stockpile/assessment.html", {
        "site": site, "questions": DEFAULT_QUESTIONS, "previous": previous.answers if previous else {}})


@login_required
def destruction(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Destruction.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            workflows.destruction_action(event, request.POST, request.user)
        except (ValidationError, PermissionDenied, InvalidOperation) as exc:
            _errors(request, exc)
        return redirect("destruction", pk=event.pk)
    return render(request, "stockpile/destruction.html", {"event": event, "lines": event.lines.all()})


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Destruction.objects.visible_to(request.user), pk=pk, completed=True)
    return render(request, "stockpile/certificate.html", {"event": event, "lines": event.lines.all()})


def quantity(value: str) -> Decimal:
    return Decimal(value or "0")


def next_url(request: HttpRequest, default: str) -> str:
    return request.POST.get("next") or reverse(default)
