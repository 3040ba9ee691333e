from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations import jobs
from annotations.documents import error_text
from annotations.importing import IMPORTABLE
from annotations.models import Job

from ._progress import job_bar


class Command(BaseCommand):
    help = (
        f"Import articles from files ({', '.join(IMPORTABLE)}): plain text (title on the first "
        "line), HTML pages (text and metadata extracted) or JSON Lines article documents. "
        "Each article is imported on its own: a refused line is reported and the others are "
        "kept; articles already there are skipped, so running it again imports the rest. "
        "Shows a progress bar on a terminal."
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
            data = path.read_bytes()
            try:
                params, total = jobs.import_params(
                    path.name, data, publisher=publisher, suggest=not no_suggest,
                    max_bytes=max_bytes,
                )  # fmt: skip
            except ValidationError as exc:
                self.stdout.write(f"{name}: nothing imported, refused")
                self.stderr.write(f"  refused {error_text(exc)}")
                refused += 1
                continue
            bar, on_step = job_bar(total, path.name)
            with bar:
                job = jobs.run_here(
                    Job.Kind.IMPORT, f"Import of {path.name}", params=params, payload=data,
                    total=total, on_step=on_step,
                )  # fmt: skip
            refused += self.write_report(name, job)
        if refused:
            raise CommandError(f"{refused} refused; see above (the other articles were kept).")

    def write_report(self, name: str, job: Job) -> int:
        report = job.report
        summary = (
            f"{len(report['imported'])} imported, {len(report['skipped'])} skipped as "
            f"duplicates, {len(report['refused'])} refused"
        )
        if report.get("suggested"):
            summary += f", {report['suggested']} quotes suggested"
        if report.get("listed"):
            summary += ", and the speakers and outlets that no article names"
        self.stdout.write(f"{name}: {summary}")
        for entry in report["imported"]:
            self.stdout.write(f"  imported {entry['title']!r}")
        for entry in report["skipped"]:
            self.stdout.write(f"  skipped {entry.get('title', '')!r}: {entry['why']}")
        for entry in report["refused"]:
            where = f"line {entry['line']}: " if entry.get("line") else ""
            self.stderr.write(f"  refused {where}{entry['why']}")
        for entry in report.get("slow", []):
            self.stderr.write(f"  not suggested in {entry['title']!r}: {entry['why']}")
        if job.state == Job.State.FAILED:
            self.stderr.write(f"  {job.error}")
            return 1
        return len(report["refused"])
