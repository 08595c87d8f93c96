"""armstrace tracing export ID [-o FILE] | import FILE | advance ID ACTION [--answer …] | overdue | stats"""

import dataclasses
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from armstrace.core.context import acting
from armstrace.core.management.cli import add_subcommands, add_user_argument, resolve_user
from armstrace.illicit import services
from armstrace.illicit.models import TracingRequest


class Command(BaseCommand):
    help = "International tracing requests: exchange files, move them along, list what is overdue."

    def add_arguments(self, parser):
        add_user_argument(parser)
        sub = add_subcommands(parser)
        p = sub.add_parser("export")
        p.add_argument("request", type=int)
        p.add_argument("--output", "-o")
        p = sub.add_parser("import")
        p.add_argument("file")
        p = sub.add_parser("advance")
        p.add_argument("request", type=int)
        p.add_argument("step", choices=list(services.TRANSITIONS))
        for name in ("last_legal_holder", "point_of_diversion", "how_established", "text"):
            p.add_argument(f"--{name.replace('_', '-')}", dest=name, default="")
        sub.add_parser("overdue")
        sub.add_parser("stats")

    def handle(self, *args, **options):
        user = resolve_user(options)
        try:
            with acting(user=user, via="cli"):
                self.stdout.write(getattr(self, f"do_{options['action']}")(user, options))
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc

    def _request(self, user, pk, write=False):
        qs = TracingRequest.objects.writable_by(user) if write else TracingRequest.objects.visible_to(user)
        tr = qs.filter(pk=pk).first()
        if tr is None:
            raise CommandError(_("No tracing request %(id)d in your scope.") % {"id": pk})
        return tr

    def do_export(self, user, options):
        text = json.dumps(services.export_request(self._request(user, options["request"])), ensure_ascii=False,
                          indent=1)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            return _("Written to %(file)s.") % {"file": options["output"]}
        return text

    def do_import(self, user, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": path})
        tr = services.import_request(path.read_bytes(), user)
        return _("Incoming request %(ref)s from %(state)s registered (id %(id)d), due %(due)s.") % {
            "ref": tr.reference, "state": tr.counterpart, "id": tr.pk, "due": tr.due_on}

    def do_advance(self, user, options):
        tr = self._request(user, options["request"], write=True)
        answer = {k: options[k] for k in ("last_legal_holder", "point_of_diversion", "how_established", "text")} \
            if options["step"] in ("answer", "partial") else {}
        services.advance(tr, options["step"], user, **answer)
        return _("%(ref)s: %(status)s") % {"ref": tr.reference, "status": tr.get_status_display()}

    def do_overdue(self, user, options):
        rows = services.overdue(TracingRequest.objects.visible_to(user))
        return "\n".join(f"{tr.reference}\t{tr.counterpart_id}\t{_('due')} {tr.due_on}" for tr in rows) or \
            _("Nothing overdue.")

    def do_stats(self, user, options):
        stats = services.response_times(TracingRequest.objects.visible_to(user))
        return json.dumps({k: dataclasses.asdict(v) for k, v in stats.items()}, default=str, indent=1)
