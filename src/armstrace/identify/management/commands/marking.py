"""armstrace marking search QUERY [--manufacturer …] [--json] --user NAME | armstrace marking rebuild"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from armstrace.core.management.cli import add_user_argument, progress_bar, resolve_user
from armstrace.identify.service import SEARCHED, service
from armstrace.identify.views import ATTRIBUTES, as_dict


class Command(BaseCommand):
    help = "Search the register by a marking as read, or rebuild the marking index."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["search", "rebuild"])
        parser.add_argument("query", nargs="?", default="", help="the marking as read (? one illegible, * a run)")
        for attribute in ATTRIBUTES:
            parser.add_argument(f"--{attribute}", default=None)
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        add_user_argument(parser)

    def handle(self, *args, **options):
        if options["action"] == "rebuild":
            total = sum(m._base_manager.count() for m in SEARCHED)
            bar = progress_bar(total, _("indexing"), enabled=options["verbosity"] > 0)
            indexed = service.rebuild(progress=bar.update)
            bar.close()
            path = service.save()
            self.stdout.write(_("Marking index rebuilt: %(n)d records, saved to %(path)s.")
                              % {"n": indexed, "path": path})
            return
        if not options["query"].strip():
            raise CommandError(_("Give the marking as read, e.g. armstrace marking search 'AK12?45'."))
        user = resolve_user(options)
        candidates = service.search(user, options["query"], limit=options["limit"],
                                    **{a: options[a] for a in ATTRIBUTES})
        if options["json"]:
            self.stdout.write(json.dumps([as_dict(c) for c in candidates], ensure_ascii=False, default=str, indent=1))
            return
        if not candidates:
            self.stdout.write(_("No record matches this reading."))
            return
        for c in candidates:
            missing = c.reported_missing_by
            flag = f"  !! {missing['kind']} {missing['date']} by {missing['by']}" if missing else ""
            if c.match.closest_serial:
                flag += "  " + _("(closest serial; the details given point elsewhere)")
            self.stdout.write(f"{c.match.score:7.2f}  {c.record.serial_number:<20} {c.type_label} #{c.record.pk} "
                              f"[{c.record.get_status_display()}]{flag}\n         {c.match.explanation}")
