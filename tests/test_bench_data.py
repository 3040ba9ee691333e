"""bench/data.py fills a migrated database: COPY on PostgreSQL, INSERTs elsewhere. Run at a
tiny size on the test database, so that a new NOT NULL column cannot break `make bench`
unseen."""

import importlib.util

import pytest
from django.conf import settings
from django.db import connection

from annotations.models import Article, Fragment, Outlet, Quote, Speaker, SpeakerAlias, ViaHop


def _bench_data():
    path = settings.BASE_DIR / "bench" / "data.py"
    spec = importlib.util.spec_from_file_location("bench_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_data = _bench_data()


@pytest.mark.django_db(transaction=True)
def test_fill_gives_every_table_its_rows_and_real_offsets():
    # transaction=True: on PostgreSQL the COPY runs on connections of its own, which must
    # see the test database's tables and leave rows that this test's connection sees.
    bench_data.fill(12, 60, seed=3, verbose=False)
    gen = bench_data.Generator(12, 60, seed=3)

    assert Outlet.objects.count() == gen.n_outlets
    assert Speaker.objects.count() == gen.n_speakers
    assert SpeakerAlias.objects.count() == gen.n_speakers
    assert Article.objects.count() == 12
    assert Quote.all_objects.count() == 60
    assert Fragment.objects.count() >= 60
    assert ViaHop.objects.exists()
    # Columns the generator does not name get the model's default.
    assert not Speaker.objects.filter(proposed=True).exists()
    assert not Outlet.objects.filter(proposed=True).exists()
    for fragment in Fragment.objects.select_related("quote__article"):
        assert fragment.quote.article.body[fragment.start : fragment.end] == fragment.text
    # Sequences moved past the given ids: the app can add rows after a fill.
    Outlet.objects.create(name="One more outlet")
    assert Outlet.objects.count() == gen.n_outlets + 1


def test_a_not_null_column_without_a_value_is_named(monkeypatch):
    speaker_columns = bench_data.TABLES["annotations_speaker"]
    monkeypatch.setitem(bench_data.TABLES, "annotations_speaker", speaker_columns + ", nickname")
    with pytest.raises(SystemExit, match=r"annotations_speaker has no column nickname"):
        bench_data.Table("annotations_speaker", connection)


def test_a_not_null_column_left_out_without_a_default_is_named(monkeypatch):
    speaker_columns = bench_data.TABLES["annotations_speaker"].replace(", name,", ",")
    monkeypatch.setitem(bench_data.TABLES, "annotations_speaker", speaker_columns)
    with pytest.raises(SystemExit, match=r"no value for annotations_speaker\.name \(NOT NULL"):
        bench_data.Table("annotations_speaker", connection)


def test_columns_the_generator_leaves_out_get_their_default_or_null():
    table = bench_data.Table("annotations_speaker", connection)
    assert '"proposed"' in table.columns
    assert False in table.extras


def test_a_column_with_a_callable_default_gets_a_value_per_row():
    table = bench_data.Table("annotations_article", connection)
    assert '"uid"' in table.columns
    columns = table.columns.split(", ")
    extra = columns.index('"uid"') - (len(columns) - len(table.extras))
    uids = [row[extra] for row in table.rows([(), ()])]
    assert uids[0] != uids[1]
