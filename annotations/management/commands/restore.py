from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from annotations.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by `backup`, all or nothing. "
        "Stop the app first: restoring waits for every other connection's locks."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="a file written by `backup`")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        name = connections[options["database"]].settings_dict["NAME"]
        if options["interactive"]:
            answer = input(f"This replaces every row in the database {name!r}. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(path, options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {name} from {path}.")
