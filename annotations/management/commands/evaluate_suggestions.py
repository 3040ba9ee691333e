import json as _json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.evaluation import DEFAULT_SPLIT, evaluate, format_report


class Command(BaseCommand):
    help = (
        "Measure the quote suggester on a brat attribution corpus: precision, recall and F1 "
        "for direct quote spans, direct quotes with the right speaker and indirect statements, "
        "and articles per second."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_SPLIT), help="corpus split dir")
        parser.add_argument("--predictions", help="also write the suggestions here (JSON Lines)")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, path: str, predictions: str | None, **options):
        split = Path(path)
        if not (split / "text").is_dir() or not (split / "attributions").is_dir():
            raise CommandError(f"{split} is not a corpus split: it needs text/ and attributions/.")
        result = evaluate(split, predictions)
        self.stdout.write(_json.dumps(result) if options["json"] else format_report(result))
