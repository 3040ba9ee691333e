from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.corpus.edits import evaluate

DEFAULT_SPLIT = Path(settings.BASE_DIR).parent / "shared/eval/polnear/dev"


class Command(BaseCommand):
    help = (
        "Measure how quotes follow the text: edit every annotated article of a brat corpus "
        "split (paragraphs added and removed, spelling fixes, words added, quotes trimmed, "
        "sentences rewritten and deleted, whitespace, line ends, quotation marks), re-anchor "
        "its attribution spans and print how many came back anchored, relocated and orphaned "
        "where they should."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_SPLIT), help="corpus split dir")
        parser.add_argument("--seed", type=int, default=2016, help="seed of the edits")
        parser.add_argument("--misses", action="store_true", help="list the spans missed")

    def handle(self, *args, path: str, seed: int, misses: bool, **options):
        split = Path(path)
        if not (split / "text").is_dir() or not (split / "attributions").is_dir():
            raise CommandError(f"{split} is not a corpus split: it needs text/ and attributions/.")
        figures = evaluate(split, seed=seed)
        self.stdout.write(figures.report())
        if misses:
            for line in figures.misses:
                self.stdout.write(f"  {line}")
