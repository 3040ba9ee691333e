from django.core.management.base import BaseCommand

from annotations.agreement import pooled, task_agreement
from annotations.models import AgreementTask

COLUMNS = ("first", "second", "matched", "f1", "span_f1", "speaker", "kind")


class Command(BaseCommand):
    help = (
        "Agreement between the two editors of every agreement task where both are done: per "
        "article, then over all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--open", action="store_true", help="only tasks not settled yet (default: all)"
        )

    def handle(self, *args, open: bool = False, **options):
        tasks = (
            AgreementTask.objects.filter(first_done_at__isnull=False, second_done_at__isnull=False)
            .select_related("article", "first", "second")
            .order_by("article_id", "id")
        )
        if open:
            tasks = tasks.filter(settled_at__isnull=True)
        results = []
        self.stdout.write("\t".join(("article", "editors", *COLUMNS)))
        for task in tasks:
            result = task_agreement(task)
            results.append(result)
            figures = result.figures()
            editors = f"{task.first.get_username()}/{task.second.get_username()}"
            self.stdout.write(
                "\t".join([str(task.article_id), editors, *(_cell(figures[c]) for c in COLUMNS)])
            )
        total = pooled(results).figures()
        self.stdout.write(
            "\t".join(["all", f"{len(results)} articles", *(_cell(total[c]) for c in COLUMNS)])
        )


def _cell(value) -> str:
    return "-" if value is None else str(value)
