from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from annotations.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the whole database up to one file: pg_dump's custom format on PostgreSQL, an "
        "SQLite database file on SQLite. `restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="file to write (replaced if present)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            backup(path, options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size} bytes).")
