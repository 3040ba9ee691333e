"""Annotated corpora: reading brat standoff files (:mod:`.brat`) and importing a corpus
split as articles with confirmed quotes (:mod:`.importing`). The suggester's evaluation
against a corpus is :mod:`annotations.evaluation`."""

from .importing import BratReport, import_brat

__all__ = ["BratReport", "import_brat"]
