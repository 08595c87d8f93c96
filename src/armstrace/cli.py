"""The `armstrace` command: Django's management commands under the project's own name.

`armstrace demo`, `armstrace serve`, `armstrace import weapons FILE`, `armstrace ledger verify`…
are management commands in the apps; this entry point only sets the settings module.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "armstrace.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["armstrace", *sys.argv[1:]])


if __name__ == "__main__":
    main()
