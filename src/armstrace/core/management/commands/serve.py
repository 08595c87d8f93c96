"""armstrace serve [--host 127.0.0.1] [--port 8000]: the web UI and API with waitress."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve ArmsTrace (web UI and API) on the given address."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from armstrace.wsgi import application

        self.stdout.write(f"ArmsTrace on http://{options['host']}:{options['port']}/  (Ctrl+C to stop)")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
