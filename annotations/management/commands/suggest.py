import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.evaluation import suggestion_record
from annotations.suggesting import suggest


class Command(BaseCommand):
    help = (
        "Print the quotes the suggester finds in plain-text files, as JSON Lines (one quote a "
        "line). Reads the files only; touches no database rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files: list[str], **options):
        for name in files:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{name}: {exc}") from exc
            for found in suggest(text):
                record = suggestion_record(path.name, found)
                self.stdout.write(json.dumps(record, ensure_ascii=False))
