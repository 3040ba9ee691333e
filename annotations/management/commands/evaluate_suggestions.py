from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.evaluation import evaluate


class Command(BaseCommand):
    help = (
        "Run the quote suggester on a brat attribution corpus split and print what the "
        "reference scorer prints for its suggestions (one JSON line), then the suggester's "
        "speed in articles per second on stderr."
    )

    def add_arguments(self, parser):
        shared = Path(settings.BASE_DIR).parent / "shared"
        parser.add_argument(
            "split",
            nargs="?",
            default=str(shared / "eval/polnear/dev"),
            help="corpus split dir, or the name of one of PolNeAR's (train, dev)",
        )
        parser.add_argument(
            "--scorer",
            default=str(shared / "eval/score_suggestions.py"),
            help="the reference scorer script",
        )
        parser.add_argument("--predictions", help="also keep the suggestions here (JSON Lines)")

    def handle(self, *args, split: str, scorer: str, predictions: str | None, **options):
        split_dir = Path(split)
        if not split_dir.is_dir() and split_dir.name == split:  # "dev": PolNeAR's own
            split_dir = Path(settings.BASE_DIR).parent / "shared/eval/polnear" / split
        if not (split_dir / "text").is_dir() or not (split_dir / "attributions").is_dir():
            raise CommandError(
                f"{split_dir} is not a corpus split: it needs text/ and attributions/."
            )
        if not Path(scorer).is_file():
            raise CommandError(f"{scorer}: no such scorer.")
        try:
            result = evaluate(split_dir, scorer, predictions)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.scorer_output, ending="")
        self.stderr.write(
            f"{result.articles} articles in {result.seconds:.2f} s of processor time: "
            f"{result.articles_per_second} articles per second"
        )
