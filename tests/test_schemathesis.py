"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

The schema is the app's own (what ``/api/v1/schema/`` serves) and every
operation is called in-process with an editor's token, a bounded number of generated
requests each, with every check Schemathesis has (``--checks all``): no server error;
status code, content type, headers and body as the schema says; a request the schema
allows is accepted and one it refuses is refused (``positive_data_acceptance``,
``negative_data_rejection``); a missing required header is refused; auth is not ignored.

A request the schema allows can still be refused for what only the stored rows decide (an
unknown id in the body, a span past the end of the article, a name already taken): the API
answers those with 409 or 422 (``annotations/api/exceptions.py``) and documents them on
the operations where they can happen. 409 is among the statuses Schemathesis expects for
valid data; 422 is added, operation by operation, where the schema documents it.

Random ids would almost always miss, so path ids are steered to rows made here, and most
quote writes carry the quote's current version in If-Match: that way generated bodies
reach validation and the writes themselves rather than stopping at 404 or 412.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from annotations import jobs
from annotations.models import Hop, Quote
from newsdesk.wsgi import application

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory, UserFactory

EXAMPLES_PER_OPERATION = 8

# The schema view needs a signed-in user, and there is no database yet when this module is
# imported: the schema comes from drf-spectacular's generator, the calls go through WSGI.
OPENAPI = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
# The statuses Schemathesis expects for schema-valid data, and 422 where it is documented.
VALID_DATA_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-name": f"{method.upper()} {path}",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*VALID_DATA_STATUSES, "422"]}
                },
            }
            for path, operations in OPENAPI["paths"].items()
            for method, operation in operations.items()
            if "422" in operation["responses"]
        ]
    }
)
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)
schema.app = application
schema.location = "/api/v1/schema/"
# Generated examples and schema examples; the exhaustive "coverage" phase alone takes
# minutes, beyond what a unit test run can spend.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def wsgi_keeps_connection():
    """Calls go through the real WSGI handler, which closes database connections that have
    outlived CONN_MAX_AGE when a request ends; that would close the test's transaction
    mid-test. Django's own test client unhooks the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def rows(db, settings, wsgi_keeps_connection):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    editor = UserFactory(username="schemathesis", role="editor")
    article = ArticleFactory()
    quotes = [QuoteFactory(article=article), QuoteFactory(article=article, start=20, end=30)]
    quotes[1].set_via([Hop(outlet=OutletFactory())])
    return dict(
        token=Token.objects.create(user=editor).key,
        articles=[article.pk, ArticleFactory().pk],
        speakers=[quotes[0].speaker_id, SpeakerFactory().pk],
        outlets=[article.publisher_id, OutletFactory().pk],
        quotes=[q.pk for q in quotes],
        jobs=[jobs.start_export(user=editor).pk],
    )


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, rows):
    name = case.operation.path.split("/")[3]
    parameters = case.path_parameters or {}
    if isinstance(parameters.get("id"), int):
        parameters["id"] = rows[name][parameters["id"] % len(rows[name])]
    tag = (case.headers or {}).get("If-Match")
    if (
        name == "quotes"
        and isinstance(tag, str)
        and len(tag) % 4
        and isinstance(parameters.get("id"), int)
    ):
        # Most quote writes name the current version; the rest keep the generated tag.
        version = Quote.all_objects.filter(pk=parameters["id"]).values_list("version", flat=True)
        case.headers["If-Match"] = f'"{version.first()}"'
    # No `checks=`: every check Schemathesis has, as `--checks all` runs them.
    case.call_and_validate(headers={"Authorization": f"Token {rows['token']}"})
