"""Annotated corpora: reading brat standoff files (:mod:`.brat`) and importing a corpus
split as articles with confirmed quotes (:mod:`.importing`), and a corpus of edits made from
it that measures how quotes follow a changed text (:mod:`.edits`). The suggester's
evaluation against a corpus is :mod:`annotations.evaluation`."""

from .importing import BratReport, import_brat

__all__ = ["BratReport", "import_brat"]
