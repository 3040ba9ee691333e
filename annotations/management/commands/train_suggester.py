from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.evaluation import split_texts
from annotations.suggesting.case import VOCABULARY_FILE, build_vocabulary


class Command(BaseCommand):
    help = (
        "Rebuild what the suggester learns from an annotated corpus's training split: the "
        "words news writes in lower case (for texts in capitals). The same split gives the "
        "same bytes."
    )

    def add_arguments(self, parser):
        default = Path(settings.BASE_DIR).parent / "shared/eval/polnear/train"
        parser.add_argument("split", nargs="?", default=str(default), help="training split dir")
        parser.add_argument(
            "--output-dir",
            help="write the files here instead of over the shipped ones (to compare them)",
        )

    def handle(self, *args, split: str, output_dir: str | None, **options):
        split_dir = Path(split)
        if not (split_dir / "text").is_dir():
            raise CommandError(f"{split_dir} is not a corpus split: it needs text/.")
        texts = list(split_texts(split_dir).values())
        target = Path(output_dir) / VOCABULARY_FILE.name if output_dir else VOCABULARY_FILE
        words = build_vocabulary(texts)
        target.write_text("\n".join(words) + "\n", encoding="utf-8")
        self.stdout.write(f"{target}: {len(words)} lower-case words from {len(texts)} articles")
