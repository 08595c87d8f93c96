"""armstrace ledger verify: exit 0 if the history is intact, 1 naming the first bad entry."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from armstrace.core import ledger
from armstrace.core.models import LedgerEntry

from ..cli import progress_bar


class Command(BaseCommand):
    help = "Verify the hash-chained history (verify) or show its head (head)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, **options):
        if options["action"] == "head":
            last = LedgerEntry.objects.order_by("-seq").first()
            self.stdout.write(f"{last.seq if last else 0} {last.hash if last else ledger.GENESIS}")
            return
        bar = progress_bar(LedgerEntry.objects.count(), _("verifying"), enabled=options["verbosity"] > 0)
        result = ledger.verify(progress=bar.update)
        bar.close()
        if result.ok:
            self.stdout.write(_("Ledger intact: %(n)d entries, %(r)d records verified. Head %(h)s")
                              % {"n": result.entries_checked, "r": result.records_checked, "h": result.head_hash})
            return
        where = _(" at entry %(seq)d") % {"seq": result.bad_seq} if result.bad_seq else ""
        self.stderr.write(_("LEDGER TAMPERED%(where)s: %(problem)s") % {"where": where, "problem": result.problem})
        raise SystemExit(1)
