"""armstrace catalogue load [FILE]: load the starter (or a national) reference catalogue."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from armstrace.catalogue.loader import STARTER, load_catalogue


class Command(BaseCommand):
    help = "Load a reference catalogue JSON (default: the starter catalogue shipped with ArmsTrace)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file", nargs="?", default=str(STARTER))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            result = load_catalogue(path)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{path}: not a valid catalogue file ({exc}).") from exc
        self.stdout.write(f"Catalogue loaded: {result.calibres} calibres, {result.manufacturers} manufacturers, "
                          f"{result.aliases} aliases, {result.models} models added.")
