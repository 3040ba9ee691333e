import sys

from django.core.management.base import BaseCommand

from annotations.documents import articles_jsonl_lines


class Command(BaseCommand):
    help = (
        "Export every article with its quotes, speakers and outlets as JSON Lines (one "
        "newsdesk-article/1 document a line), for `import_articles FILE.jsonl`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, output, **options):
        n = 0
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as out:
                for line in articles_jsonl_lines():
                    out.write(line)
                    n += 1
            self.stderr.write(f"{n} articles written to {output}")
        else:
            for line in articles_jsonl_lines():
                sys.stdout.write(line)
