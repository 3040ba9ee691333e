from django.core.management.base import BaseCommand, CommandError

from annotations import jobs
from annotations.models import Article, Job

from ._progress import job_bar


class Command(BaseCommand):
    help = (
        "Suggest quotes in stored articles (all, or those matching the options), each with "
        "the suggester's time limit (NEWSDESK_SUGGEST_SECONDS): an article that takes longer "
        "is reported and skipped. Shows a progress bar on a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID", help="article ids")
        parser.add_argument("--status", choices=Article.Status.values)
        parser.add_argument("--publisher", help="publishing outlet's name")
        parser.add_argument("--all", action="store_true", help="every article")

    def handle(self, *args, ids, status, publisher, all, **options):
        articles = Article.objects.order_by("pk")
        if ids:
            articles = articles.filter(pk__in=ids)
        if status:
            articles = articles.filter(status=status)
        if publisher:
            articles = articles.filter(publisher__name__iexact=publisher)
        if not (ids or status or publisher or all):
            raise CommandError("Name articles (ids, --status, --publisher) or say --all.")
        chosen = list(articles.values_list("pk", flat=True))
        bar, on_step = job_bar(len(chosen), "suggesting")
        with bar:
            job = jobs.run_here(
                Job.Kind.SUGGEST,
                f"Suggestions for {len(chosen):,} articles",
                params={"article_ids": chosen},
                total=len(chosen),
                on_step=on_step,
            )
        report = job.report
        self.stdout.write(
            f"{job.done} articles: {report.get('suggested', 0)} quotes suggested, "
            f"{len(report.get('slow', []))} too slow"
        )
        for entry in report.get("slow", []):
            self.stderr.write(f"  #{entry['article']} {entry['title']!r}: {entry['why']}")
        if job.state == Job.State.FAILED:
            raise CommandError(job.error)
