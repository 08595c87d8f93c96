"""armstrace createuser NAME --role ROLE --organisation ORG --state ISO3 [--password-stdin]"""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from armstrace.core.models import Country, Organisation, Role, User


class Command(BaseCommand):
    help = "Create a user in an organisation of a State, with one role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organisation", required=True, help="created if it does not exist")
        parser.add_argument("--state", help="ISO 3166-1 alpha-3 of the organisation's State (none: international)")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, **options):
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(_("User “%(name)s” already exists.") % {"name": options["username"]})
        country = None
        if options["state"]:
            country = Country.objects.filter(iso3=options["state"].upper()).first()
            if country is None:
                raise CommandError(_("“%(code)s” is not an ISO 3166-1 alpha-3 code.") % {"code": options["state"]})
        org, _created = Organisation.objects.get_or_create(
            name=options["organisation"], country=country,
            defaults={"kind": Organisation.Kind.INTERNATIONAL if country is None else Organisation.Kind.AGENCY})
        password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else getpass.getpass()
        user = User(username=options["username"], email=options["email"], organisation=org, role=options["role"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(_("Created %(user)s (%(role)s, %(org)s).")
                          % {"user": user.username, "role": user.get_role_display(), "org": org})
