"""armstrace demo [--scale N] [--no-serve]: set up a database with synthetic data and serve it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from armstrace.catalogue.loader import load_catalogue
from armstrace.registry.models import Weapon


class Command(BaseCommand):
    help = "Create the database, load the catalogue and a synthetic national dataset, then serve the web UI."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="dataset size: 1 ≈ 2,100 weapons")
        parser.add_argument("--seed", type=int, default=2370)
        parser.add_argument("--no-serve", action="store_true")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        from armstrace.core.models import User
        from armstrace.demo.generator import PASSWORD_SUFFIX, DemoResult, generate

        call_command("migrate", verbosity=0)
        load_catalogue()
        if Weapon._base_manager.exists():
            self.stdout.write("Demo data already present; keeping it (delete var/ to start again).")
            result = DemoResult()
            for user in User.objects.select_related("organisation").order_by("pk"):
                result.users.append((user.username, user.username + PASSWORD_SUFFIX, user.get_role_display(),
                                     str(user.organisation)))
        else:
            self.stdout.write(f"Generating synthetic demonstration data (scale {options['scale']})…")
            result = generate(scale=options["scale"], seed=options["seed"])
            for what, n in result.counts.items():
                self.stdout.write(f"  {n:>7,} {what}")
        self.stdout.write("\nDemo log-ins (synthetic accounts, one per role):")
        for username, password, role, org in result.users:
            self.stdout.write(f"  {username:<13} {password:<28} {role} — {org}")
        if not options["no_serve"]:
            call_command("serve", port=options["port"])
