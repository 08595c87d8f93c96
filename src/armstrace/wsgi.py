"""WSGI entry point (served by waitress through `armstrace serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "armstrace.settings")
application = get_wsgi_application()
