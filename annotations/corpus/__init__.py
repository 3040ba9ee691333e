"""Annotated corpora: reading brat standoff files (:mod:`.brat`), importing a corpus split as
articles with confirmed quotes (:mod:`.importing`) and scoring the suggester against one
(:mod:`.evaluation`)."""

from .importing import BratReport, import_brat

__all__ = ["BratReport", "import_brat"]
