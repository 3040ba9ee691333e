"""Settings for serving the hand-written quote list (``bench/raw_quotes.py``) beside the
API from one gunicorn, for ``bench/api.py``'s run under load: the project's settings, with
a URL conf that adds ``/bench/raw-quotes/``. Only the bench uses it (gunicorn started with
``--pythonpath bench`` and ``DJANGO_SETTINGS_MODULE=raw_settings``)."""

from newsdesk.settings import *  # noqa: F403

ROOT_URLCONF = "raw_quotes"
