"""armstrace import KIND FILE [--dry-run] [--per-row] [--map HEADER=FIELD ...] --user NAME"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from armstrace.core.context import acting
from armstrace.core.importing import run_import
from armstrace.core.tabular import TabularError, read_table

from ..cli import add_user_argument, progress_bar, resolve_registration, resolve_user


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of records (all-or-nothing unless --per-row)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="record type, e.g. weapons, lots, manpads-components")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and preview; write nothing")
        parser.add_argument("--per-row", action="store_true", help="write valid rows, report the others")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                            help="map a column header to a field (repeatable)")
        parser.add_argument("--errors-csv", help="write the error report to this file")
        add_user_argument(parser)

    def handle(self, *args, **options):
        reg = resolve_registration(options["kind"])
        user = resolve_user(options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": path})
        mapping = dict(m.split("=", 1) for m in options["map"] if "=" in m) or None
        try:
            table = read_table(path.name, path.read_bytes())
            bar = progress_bar(len(table.rows), _("validating"), enabled=options["verbosity"] > 0)
            with acting(user=user, via="cli"):
                result = run_import(reg, table, user, mapping=mapping, dry_run=options["dry_run"],
                                    per_row=options["per_row"], progress=bar.update)
            bar.close()
        except TabularError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for error in result.errors[:50]:
            self.stderr.write(error.as_text(path.name))
        if len(result.errors) > 50:
            self.stderr.write(_("… and %(n)d more errors.") % {"n": len(result.errors) - 50})
        if options["errors_csv"] and result.errors:
            Path(options["errors_csv"]).write_text(result.error_report_csv(), encoding="utf-8")
        summary = _("%(total)d rows read, %(errors)d errors, %(written)d written%(dry)s.") % {
            "total": result.total, "errors": len(result.errors), "written": result.written,
            "dry": _(" (dry run)") if result.dry_run else ""}
        if result.errors and not result.written:
            raise CommandError(summary + " " + _("Nothing was written."))
        self.stdout.write(summary)
