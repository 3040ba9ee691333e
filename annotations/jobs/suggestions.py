"""Suggestions under a time limit: the suggester runs in a child process and is stopped when
one article takes longer than ``NEWSDESK_SUGGEST_SECONDS``; and the suggestion job."""

from __future__ import annotations

import multiprocessing

from django.conf import settings

from ..models import Article, Job
from .progress import Progress, _user


class SuggestTimeout(Exception):
    pass


def _suggest_loop(conn) -> None:
    """The child process: suggest for each text received, until the pipe closes."""
    from ..suggesting import suggest

    while True:
        try:
            body, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", suggest(body, **kwargs)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class TimeLimitedSuggester:
    """:func:`suggesting.suggest` in a child process, killed when one text takes longer
    than ``seconds``. The child is kept between calls (a fork per article would cost more
    than most suggestions) and replaced after a kill. Use as a context manager."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.NEWSDESK_SUGGEST_SECONDS if seconds is None else seconds
        self.process = None
        self.conn = None

    def _start(self) -> None:
        # fork: the child has the suggester loaded already and touches no database
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_suggest_loop, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def __call__(self, body: str, **kwargs):
        if self.process is None or not self.process.is_alive():
            self._start()
        self.conn.send((body, kwargs))
        if not self.conn.poll(self.seconds):
            self.close()
            raise SuggestTimeout(f"too slow, skipped (over {self.seconds:g} s)")
        try:
            status, value = self.conn.recv()
        except EOFError:
            self.close()
            raise RuntimeError("the suggester stopped unexpectedly") from None
        if status != "ok":
            raise RuntimeError(f"the suggester failed: {value}")
        return value

    def close(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
            self.conn.close()
        self.process = self.conn = None

    def __enter__(self) -> TimeLimitedSuggester:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def suggest_in_time(article: Article, by=None, suggester: TimeLimitedSuggester | None = None):
    """``article.suggest_quotes`` with the time limit; raises :class:`SuggestTimeout`."""
    if suggester is not None:
        return article.suggest_quotes(by=by, suggester=suggester)
    with TimeLimitedSuggester() as own:
        return article.suggest_quotes(by=by, suggester=own)


def _suggest_one(progress: Progress, article: Article, user, suggester=None) -> None:
    progress.where = f"article #{article.pk}"
    try:
        made = suggest_in_time(article, by=user, suggester=suggester)
    except SuggestTimeout as exc:
        progress.add("slow", {"title": article.title, "article": article.pk, "why": str(exc)})
        return
    progress.count("suggested", len(made))
    # what was left out: an editor had already decided there, or a suggestion is waiting
    progress.count("decided", getattr(made, "decided", 0))
    progress.count("pending", getattr(made, "pending", 0))
    if made:
        progress.add(
            "suggestions", {"title": article.title, "article": article.pk, "count": len(made)}
        )


def _run_suggest(job: Job, progress: Progress) -> None:
    ids = job.params.get("article_ids") or []
    job.total = len(ids)
    user = _user(job)
    with TimeLimitedSuggester() as suggester:
        for pk in ids:
            article = Article.objects.filter(pk=pk).first()
            if article is None:
                progress.add("skipped", {"article": pk, "why": "the article is gone"})
            else:
                _suggest_one(progress, article, user, suggester)
            progress.step()
