"""armstrace export KIND --format csv|xlsx|json [--filter FIELD=VALUE ...] [--output FILE] --user NAME"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils.translation import gettext as _

from armstrace.core import exporting, factories

from ..cli import add_user_argument, resolve_registration, resolve_user


class Command(BaseCommand):
    help = "Export the records you can see (optionally filtered) as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("--format", choices=sorted(exporting.FORMATS), default="csv")
        parser.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE",
                            help="same filters as the list page, e.g. status=lost or q=AK (repeatable)")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        add_user_argument(parser)

    def handle(self, *args, **options):
        reg = resolve_registration(options["kind"])
        user = resolve_user(options)
        query = QueryDict(mutable=True)
        for item in options["filter"]:
            if "=" not in item:
                raise CommandError(_("A filter is FIELD=VALUE, not “%(item)s”.") % {"item": item})
            key, value = item.split("=", 1)
            query.appendlist(key, value)
        queryset = reg.model.objects.visible_to(user)
        if query:
            fs = factories.filterset_class(reg.key)(query, queryset=queryset)
            if not fs.is_valid():
                raise CommandError(_("Invalid filter: %(errors)s") % {"errors": fs.errors.as_text()})
            queryset = fs.qs
        body = exporting.export(reg, queryset.order_by("pk"), options["format"])
        if options["output"]:
            path = Path(options["output"])
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                with path.open("w", encoding="utf-8", newline="") as fh:
                    fh.writelines(body)
            self.stderr.write(_("Written to %(file)s.") % {"file": path})
        elif isinstance(body, bytes):
            sys.stdout.buffer.write(body)
        else:
            for chunk in body:
                self.stdout.write(chunk, ending="")
