"""armstrace stock …: the stockpile from the command line (same workflows as the pages and API).

  stock overview [--json]                         sites, MANPADS held vs believed present, alerts
  stock holdings SITE [--on DATE] [--json]        what a site holds (SITE: id or name)
  stock safety SITE [--json]                      NEQ, incompatible groups, QD and exposures inside
  stock move KIND --unit UNIT (--serial S | --lot L --quantity Q) [--date] [--reason] [--second-person NAME]
  stock count ACTION STOCKTAKE_ID [--serial S ...] [--serials-file F] [--reason R]
  stock dispatch --reference R --from-unit UNIT --to-site SITE --serials-file F [--second-person NAME]
  stock in-transit TRANSFER_ID                    the escort has taken it
  stock receive TRANSFER_ID --unit UNIT [--all] [--line ID=QTY ...]

A second person's password is read from ARMSTRACE_SECOND_PASSWORD or asked for.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from armstrace.core.context import acting
from armstrace.core.management.cli import add_subcommands, add_user_argument, resolve_user
from armstrace.stockpile import reports, workflows
from armstrace.stockpile.models import MovementKind, Site, StockMovement, Stocktake, StorageUnit, Transfer
from armstrace.stockpile.services import record_movement


class Command(BaseCommand):
    help = "Stockpile operations: overview, holdings, safety, movements, counts, transfers."

    def add_arguments(self, parser):
        add_user_argument(parser)
        sub = add_subcommands(parser)
        p = sub.add_parser("overview")
        p.add_argument("--json", action="store_true")
        for name in ("holdings", "safety"):
            p = sub.add_parser(name)
            p.add_argument("site")
            p.add_argument("--on")
            p.add_argument("--json", action="store_true")
        p = sub.add_parser("move")
        p.add_argument("kind", choices=MovementKind.values)
        p.add_argument("--unit", required=True)
        p.add_argument("--serial")
        p.add_argument("--lot")
        p.add_argument("--quantity", default="1")
        p.add_argument("--date")
        p.add_argument("--reason", default="")
        p.add_argument("--reference", default="")
        p.add_argument("--second-person")
        p = sub.add_parser("count")
        p.add_argument("count_action", choices=["start", "scan", "close", "approve", "reject", "show"])
        p.add_argument("stocktake", type=int)
        p.add_argument("--serial", action="append", default=[])
        p.add_argument("--serials-file")
        p.add_argument("--reason", default="")
        p = sub.add_parser("dispatch")
        p.add_argument("--reference", required=True)
        p.add_argument("--from-unit", required=True)
        p.add_argument("--to-site", required=True)
        p.add_argument("--serials-file", required=True)
        p.add_argument("--lots-file")
        p.add_argument("--date")
        p.add_argument("--second-person")
        p = sub.add_parser("in-transit")
        p.add_argument("transfer", type=int)
        p = sub.add_parser("receive")
        p.add_argument("transfer", type=int)
        p.add_argument("--unit", required=True)
        p.add_argument("--all", action="store_true", help="everything sent arrived")
        p.add_argument("--line", action="append", default=[], metavar="LINE_ID=QTY")
        p.add_argument("--second-person")

    def handle(self, *args, **options):
        user = resolve_user(options)
        try:
            with acting(user=user, via="cli"):
                result = getattr(self, f"do_{options['action'].replace('-', '_')}")(user, options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if result is not None:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1, default=str)
                              if options.get("json") or not isinstance(result, str) else result)

    # ----------------------------------------------------------------- helpers
    def _site(self, user: Any, ref: str) -> Site:
        qs = Site.objects.visible_to(user)
        site = qs.filter(pk=int(ref)).first() if ref.isdigit() else qs.filter(name__iexact=ref).first()
        if site is None:
            raise CommandError(_("No site “%(site)s” in your scope.") % {"site": ref})
        return site

    def _unit(self, user: Any, ref: str) -> StorageUnit:
        qs = StorageUnit.objects.writable_by(user)
        unit = qs.filter(pk=int(ref)).first() if ref.isdigit() else None
        if unit is None and "/" in ref:
            site, _sep, name = ref.partition("/")
            unit = qs.filter(site__name__iexact=site.strip(), name__iexact=name.strip()).first()
        if unit is None:
            raise CommandError(_("No storage unit “%(unit)s” (give its id or SITE/UNIT).") % {"unit": ref})
        return unit

    def _second(self, name: str | None) -> dict[str, str]:
        if not name:
            return {}
        password = os.environ.get("ARMSTRACE_SECOND_PASSWORD") or getpass.getpass(
            _("Password of %(user)s: ") % {"user": name})
        return {"second_username": name, "second_password": password}

    # ----------------------------------------------------------------- actions
    def do_overview(self, user: Any, options: dict[str, Any]) -> Any:
        data = reports.overview(Site.objects.visible_to(user))
        if options["json"]:
            return data
        lines = [_("%(a)d MANPADS accounted for of %(e)d believed present.") % {"a": data["accounted"],
                                                                               "e": data["estimated"]}]
        for s in data["sites"]:
            lines.append(f"[{s['status']:>7}] {s['name']}: {s['accounted']}/{s['estimated']}"
                         + "".join(f"\n          ! {a}" for a in s["alerts"]))
        return "\n".join(lines)

    def do_holdings(self, user: Any, options: dict[str, Any]) -> Any:
        on = parse_date(options["on"]) if options["on"] else None
        data = reports.site_holdings(self._site(user, options["site"]), on)
        if options["json"]:
            return data
        return "\n".join([f"{data['site']} on {data['on']}: {len(data['weapons'])} weapons, "
                          f"{len(data['manpads_components'])} MANPADS components, {len(data['lots'])} lot holdings"]
                         + [f"  {w['serial']:<20} {w['unit']}" for w in data["weapons"][:200]])

    def do_safety(self, user: Any, options: dict[str, Any]) -> Any:
        return reports.safety(self._site(user, options["site"]))

    def do_move(self, user: Any, options: dict[str, Any]) -> str:
        unit = self._unit(user, options["unit"])
        fields: dict[str, Any] = {}
        if options["serial"]:
            from armstrace.registry.models import ManpadsComponent, Weapon
            from armstrace.registry.serials import normalised_serial

            key = normalised_serial(options["serial"])
            weapon = Weapon.objects.writable_by(user).filter(serial_normalised=key).first()
            component = ManpadsComponent.objects.writable_by(user).filter(serial_normalised=key).first()
            found = {"weapon": weapon} if weapon else {"component": component} if component else None
            if not found:
                raise CommandError(_("No weapon or MANPADS component with serial “%(s)s”.") % {"s": options["serial"]})
            fields.update(found)
        elif options["lot"]:
            from armstrace.registry.models import AmmunitionLot

            lot = AmmunitionLot.objects.writable_by(user).filter(lot_number=options["lot"]).first()
            if lot is None:
                raise CommandError(_("No lot “%(lot)s”.") % {"lot": options["lot"]})
            fields.update(lot=lot, quantity=Decimal(options["quantity"]))
        else:
            raise CommandError(_("Give --serial or --lot."))
        second = workflows.second_person_from(self._second(options["second_person"]))
        movement = StockMovement(kind=options["kind"], storage_unit=unit, reason=options["reason"],
                                 reference=options["reference"],
                                 date=parse_date(options["date"] or "") or dt.date.today(),
                                 **fields)
        record_movement(movement, user, second_person=second)
        return _("Recorded: %(m)s") % {"m": movement}

    def do_count(self, user: Any, options: dict[str, Any]) -> Any:
        st = Stocktake.objects.writable_by(user).filter(pk=options["stocktake"]).first()
        if st is None:
            raise CommandError(_("No stocktake %(id)d in your scope.") % {"id": options["stocktake"]})
        action = options["count_action"]
        if action == "show":
            return {"status": st.status, "result": st.result if st.status not in ("requested", "counting") else None}
        if action != "scan":
            workflows.stocktake_action(st, {"action": action, "reason": options["reason"]}, user)
            st.refresh_from_db()
            return {"status": st.status, "result": st.result or None}
        readings = list(options["serial"])
        if options["serials_file"]:
            readings += [line for line in Path(options["serials_file"]).read_text(encoding="utf-8").splitlines()
                         if line.strip()]
        warnings = [w for r in readings if (w := workflows.stocktake_action(st, {"action": "scan", "serial": r}, user))]
        return "\n".join([_("%(n)d readings recorded.") % {"n": len(readings)}, *warnings])

    def do_dispatch(self, user: Any, options: dict[str, Any]) -> str:
        unit = self._unit(user, options["from_unit"])
        site = self._site(user, options["to_site"])
        data = {"reference": options["reference"], "from_unit": unit.pk, "to_site": site.pk,
                "serials": Path(options["serials_file"]).read_text(encoding="utf-8"),
                "lots": Path(options["lots_file"]).read_text(encoding="utf-8") if options["lots_file"] else "",
                "dispatched_on": options["date"] or "", **self._second(options["second_person"])}
        transfer = workflows.dispatch_from_form(data, user)
        return _("Transfer %(ref)s dispatched (id %(id)d, %(n)d lines).") % {
            "ref": transfer.reference, "id": transfer.pk, "n": transfer.lines.count()}

    def do_in_transit(self, user: Any, options: dict[str, Any]) -> str:
        transfer = Transfer.objects.writable_by(user).filter(pk=options["transfer"]).first()
        if transfer is None:
            raise CommandError(_("No transfer %(id)d in your scope.") % {"id": options["transfer"]})
        workflows.in_transit(transfer, user)
        return _("Transfer %(ref)s is in transit.") % {"ref": transfer.reference}

    def do_receive(self, user: Any, options: dict[str, Any]) -> str:
        transfer = Transfer.objects.writable_by(user).filter(pk=options["transfer"]).first()
        if transfer is None:
            raise CommandError(_("No transfer %(id)d in your scope.") % {"id": options["transfer"]})
        unit = self._unit(user, options["unit"])
        data: dict[str, Any] = {"storage_unit": unit.pk, **self._second(options["second_person"])}
        for line in transfer.lines.all():
            data[f"received_{line.pk}"] = str(line.quantity_sent) if options["all"] else "0"
        for item in options["line"]:
            line_id, _sep, qty = item.partition("=")
            data[f"received_{line_id}"] = qty
        discrepancies = workflows.receive_from_form(transfer, data, user)
        return _("Received; %(n)d discrepancies.") % {"n": len(discrepancies)}
