from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.corpus import import_brat

from ._progress import progress_bar

DEFAULT_SPLIT = Path(settings.BASE_DIR).parent / "shared" / "eval" / "polnear" / "dev"


class Command(BaseCommand):
    help = (
        "Import a brat standoff attribution corpus split (text/<name>.txt and "
        "attributions/<name>_<annotator>.ann, PolNeAR layout) as articles with confirmed "
        "quotes. Safe to run again: articles already imported are skipped. Shows a progress bar "
        "on a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_SPLIT), help=f"split folder ({DEFAULT_SPLIT})"
        )

    def handle(self, *args, path: str, **options):
        bar = progress_bar(None, Path(path).name)

        def on_article(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            with bar:
                report = import_brat(path, on_article=on_article)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(report.summary())
        if not report.balanced:
            raise CommandError("The counts do not add up; see above.")
