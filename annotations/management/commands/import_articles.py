from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.importing import IMPORTABLE, import_file


class Command(BaseCommand):
    help = (
        f"Import articles from files ({', '.join(IMPORTABLE)}): plain text (title on the first "
        "line), HTML pages (text and metadata extracted) or JSON Lines article documents. "
        "Each file is imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--publisher", help="publishing outlet for .txt and .html files")
        parser.add_argument(
            "--no-suggest",
            action="store_true",
            help="do not suggest quotes in articles made from text or HTML",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=0,
            help="refuse files bigger than this (default 0: no limit on the command line)",
        )

    def handle(self, *args, files, publisher, no_suggest, max_bytes, **options):
        refused = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            report = import_file(
                path.name,
                path.read_bytes(),
                publisher=publisher,
                suggest=not no_suggest,
                max_bytes=max_bytes,
            )
            self.stdout.write(f"{name}: {report.summary()}")
            for title in report.imported:
                self.stdout.write(f"  imported {title!r}")
            for line in report.skipped:
                self.stdout.write(f"  skipped {line}")
            for line in report.refused:
                self.stderr.write(f"  refused {line}")
            refused += len(report.refused)
        if refused:
            raise CommandError(f"{refused} refused; those files changed nothing.")
