"""A progress bar for long commands: tqdm on a terminal, nothing otherwise (cron, pipes,
CI logs stay quiet)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def progress_bar(total: int | None, description: str, unit: str = "article") -> tqdm:
    return tqdm(
        total=total,
        desc=description,
        unit=f" {unit}s",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        dynamic_ncols=True,
        leave=True,
    )


def job_bar(total: int, description: str):
    """A bar and the ``on_step`` callback that moves it with a job."""
    bar = progress_bar(total, description)

    def on_step(job) -> None:
        if job.total and bar.total != job.total:
            bar.total = job.total
        bar.update(job.done - bar.n)

    return bar, on_step
