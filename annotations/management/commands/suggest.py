import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.evaluation import suggest_raw, suggestion_record


def skip_range(value: str) -> tuple[int, int]:
    start, sep, end = value.partition(":")
    try:
        bounds = int(start), int(end)
    except ValueError:
        bounds = (-1, -1)
    if not sep or bounds[0] < 0 or bounds[0] >= bounds[1]:
        raise ValueError(f"--skip wants START:END, two offsets with START < END, not {value!r}")
    return bounds


class Command(BaseCommand):
    help = (
        "Print the quotes the suggester finds in plain-text files, as JSON Lines (one quote a "
        "line). Offsets count code points of each file as stored (\\r\\n line ends and all). "
        "Reads the files only; touches no database rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            metavar="START:END",
            help="a range of the file to suggest nothing in (boilerplate); may be repeated",
        )

    def handle(self, *args, files: list[str], skip: list[str], **options):
        try:
            ranges = [skip_range(value) for value in skip]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name in files:
            path = Path(name)
            try:
                raw = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{name}: {exc}") from exc
            for found in suggest_raw(raw, ranges):
                record = suggestion_record(path.name, found)
                self.stdout.write(json.dumps(record, ensure_ascii=False))
