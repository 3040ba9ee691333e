import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.documents import import_document


class Command(BaseCommand):
    help = "Load the sample articles and their annotations from seeds/ (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "seeds"), help="folder of seed documents"
        )

    def handle(self, *args, dir: str, **options):
        folder = Path(dir)
        paths = sorted(folder.glob("*.json"))
        if not paths:
            raise CommandError(f"No seed documents (*.json) in {folder}.")
        for path in paths:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
                article, created = import_document(doc, base_dir=folder)
            except (ValueError, KeyError, ValidationError) as exc:
                raise CommandError(f"{path.name}: {exc}") from exc
            if created:
                self.stdout.write(
                    f"{path.name}: loaded {article.title!r} with {article.quotes.count()} quotes"
                )
            else:
                self.stdout.write(f"{path.name}: already loaded, unchanged")
