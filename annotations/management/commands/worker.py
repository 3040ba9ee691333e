"""``manage.py worker``: the job worker. It is django-tasks-db's ``db_worker`` (same options:
``--queue-name``, ``--interval``, ``--batch``, ``--max-tasks``, ``--reload``...) plus a watch
for jobs whose worker died: every few seconds it marks failed the running jobs without a
heartbeat for ``NEWSDESK_JOB_STALE_SECONDS``. Run as many as you like against one
database; each claims a task with a row lock, so no job runs twice."""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from annotations import jobs
from annotations.jobs import sweep_stale

logger = logging.getLogger("annotations.jobs")


def _watch_stale(stop: threading.Event) -> None:
    interval = max(1.0, settings.NEWSDESK_JOB_STALE_SECONDS / 4)
    while not stop.wait(interval):
        try:
            for job in sweep_stale():
                logger.warning("Job #%s failed: its worker stopped.", job.pk)
        except Exception:  # a locked SQLite or a lost connection: try again next time
            logger.exception("Looking for stale jobs failed")
        finally:
            connection.close()


class JobWorker(Worker):
    def shutdown(self, signum, frame) -> None:
        # A running job stops after the article in hand (and can be run again), rather
        # than keeping the worker until its last article.
        jobs.STOP.set()
        super().shutdown(signum, frame)


class Command(DBWorkerCommand):
    help = (
        "Run background jobs (imports, suggestions, exports) as they are queued. "
        "Ctrl-C stops after the article in hand; run several for more throughput."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Reloading would cut running jobs short; ask for it with --reload.
        parser.set_defaults(reload=False)

    def handle(self, *args, verbosity, reload, queue_name, exclude_queues, **options):
        self.configure_logging(verbosity)
        worker = JobWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            run_with_reloader(lambda: None)  # the parent: only watches and restarts
            return
        for job in sweep_stale():
            logger.warning("Job #%s failed: its worker stopped.", job.pk)
        connection.close()
        threading.Thread(target=_watch_stale, args=(threading.Event(),), daemon=True).start()
        worker.configure_signals()
        if reload:
            run_with_reloader(worker.run)
        else:
            worker.run()
