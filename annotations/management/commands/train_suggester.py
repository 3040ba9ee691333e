import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.evaluation import DEFAULT_SCORER, split_texts, train_acceptance, weights_json
from annotations.suggesting.acceptance import WEIGHTS_FILE
from annotations.suggesting.case import VOCABULARY_FILE, build_vocabulary


class Command(BaseCommand):
    help = (
        "Rebuild what the suggester learns from an annotated corpus's training split: the "
        "words news writes in lower case (for texts in capitals), and the weights of the "
        "filter that decides which proposed direct quotes are kept (needs scikit-learn, the "
        "'dev' extra). The same split gives the same bytes."
    )

    def add_arguments(self, parser):
        default = Path(settings.BASE_DIR).parent / "shared/eval/polnear/train"
        parser.add_argument("split", nargs="?", default=str(default), help="training split dir")
        parser.add_argument(
            "--output-dir",
            help="write the files here instead of over the shipped ones (to compare them)",
        )
        parser.add_argument(
            "--scorer",
            default=str(DEFAULT_SCORER),
            help="the reference scorer script, whose matching labels the training quotes",
        )

    def handle(self, *args, split: str, output_dir: str | None, scorer: str, **options):
        split_dir = Path(split)
        if not (split_dir / "text").is_dir():
            raise CommandError(f"{split_dir} is not a corpus split: it needs text/.")
        texts = list(split_texts(split_dir).values())
        target = Path(output_dir) / VOCABULARY_FILE.name if output_dir else VOCABULARY_FILE
        words = build_vocabulary(texts)
        target.write_text("\n".join(words) + "\n", encoding="utf-8")
        self.stdout.write(f"{target}: {len(words)} lower-case words from {len(texts)} articles")

        if importlib.util.find_spec("sklearn") is None:
            self.stderr.write(
                f"{WEIGHTS_FILE.name} not rebuilt: training needs scikit-learn "
                "(pip install -e '.[dev]')."
            )
            return
        if not (split_dir / "attributions").is_dir():
            raise CommandError(f"{split_dir} has no attributions/ to learn the weights from.")
        if not Path(scorer).is_file():
            raise CommandError(f"{scorer}: no such scorer.")
        model = train_acceptance(split_dir, scorer)
        target = Path(output_dir) / WEIGHTS_FILE.name if output_dir else WEIGHTS_FILE
        target.write_text(weights_json(model), encoding="utf-8")
        direct = model["direct"]
        cv = direct["trained_on"]["cross_validated_f1"]
        self.stdout.write(
            f"{target}: direct quotes kept from probability {direct['threshold']}; "
            f"cross-validated direct F1 {cv['all_kept']} -> {cv['filtered']}"
        )
