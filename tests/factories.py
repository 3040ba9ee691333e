import factory
from factory.django import DjangoModelFactory

from annotations.models import Article, Fragment, Outlet, Quote, Speaker, SpeakerAlias, User

BODY = (
    "Defense Ministry spokesman Igor Konashenkov said that the strikes hit their targets. "
    '"Every target was destroyed," Konashenkov said. "No civilians were hurt," he added.'
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.EDITOR
    password = factory.django.Password("correct-horse-battery")


class OutletFactory(DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    kind = Outlet.Kind.NEWSPAPER


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")


class SpeakerAliasFactory(DjangoModelFactory):
    class Meta:
        model = SpeakerAlias

    speaker = factory.SubFactory(SpeakerFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = BODY
    publisher = factory.SubFactory(OutletFactory)


class QuoteFactory(DjangoModelFactory):
    """A quote over one fragment, ``start``..``end`` of its article's body (the whole first
    sentence by default)."""

    class Meta:
        model = Quote
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    kind = Quote.Kind.INDIRECT
    status = Quote.Status.CONFIRMED
    speaker = factory.SubFactory(SpeakerFactory)
    start = 0
    end = 10
    text = factory.LazyAttribute(lambda q: q.article.body[q.start : q.end])

    @factory.post_generation
    def fragments(self, create, extracted, **kwargs):
        if not create:
            return
        spans = extracted or [(self.start, self.end)]
        self.set_fragments(spans)


__all__ = [
    "ArticleFactory",
    "Fragment",
    "OutletFactory",
    "QuoteFactory",
    "SpeakerAliasFactory",
    "SpeakerFactory",
    "UserFactory",
    "every_case",
]


def every_case(editor, admin):
    """A newsroom holding every case an export must carry through an empty database: two
    articles of one title and body (one with a URL, one without), speakers and outlets no
    quote names (aliases, descriptions, Wikidata ids; a namesake of a speaker in use),
    aliases, marked and proposed boilerplate, confirmed, deleted, suggested and rejected
    quotes, proposed speakers and outlets, via chains of outlets and speakers, a merge, and
    a deleted speaker, outlet and article (with its quotes). Returns the articles."""
    from annotations.models import BoilerplateRange, Hop

    paper = OutletFactory(name="The Paper", home_page="https://paper.example/")
    paper.add_aliases(["Paper"], by=editor)
    agency = OutletFactory(name="Wire Agency", kind=Outlet.Kind.NEWS_AGENCY)
    igor = SpeakerFactory(name="Igor Konashenkov", role="spokesman", wikidata_id="Q4115068")
    igor.add_aliases(["Konashenkov"], by=editor)
    twin = SpeakerFactory(name="I. Konashenkov")
    warren = SpeakerFactory(name="Steven Warren")
    SpeakerFactory(name="Ana Silva", description="the mayor")  # a namesake in use below
    lonely = SpeakerFactory(name="Ana Silva", description="", wikidata_id="Q42", role="singer")
    lonely.add_aliases(["La Silva"], by=editor)
    OutletFactory(name="Lonely Outlet", wikidata_id="Q7", home_page="https://lonely.example/")
    Outlet.objects.get(name="Lonely Outlet").add_aliases(["LO"], by=editor)

    first = ArticleFactory(
        title="Strikes", body=BODY, url="https://paper.example/a", publisher=paper
    )
    second = ArticleFactory(title="Strikes", body=BODY, url="", publisher=paper)
    every = (BODY.index("Every"), BODY.index("Every") + len("Every target was destroyed"))
    civilians = (BODY.index("No civ"), BODY.index("No civ") + len("No civilians were hurt"))
    opening = (0, BODY.index(" said"))
    for article in (first, second):
        Quote.create(
            article, kind="direct", fragments=[every], speaker=twin, cue="said",
            via=[Hop(speaker=warren), Hop(outlet=agency)], by=editor,
        )  # fmt: skip
    Quote.create(first, kind="direct", fragments=[civilians], speaker=igor, by=editor).soft_delete(
        by=editor
    )
    Quote.create(
        first, kind="indirect", fragments=[opening], status=Quote.Status.SUGGESTED,
        speaker=Speaker.objects.find_or_create("Proposed Person", proposed=True),
        via=[Hop(outlet=Outlet.objects.find_or_create("Proposed Agency", proposed=True))],
    )  # fmt: skip
    Quote.create(
        second,
        kind="indirect",
        fragments=[opening],
        status=Quote.Status.SUGGESTED,
        speaker=Speaker.objects.find_or_create("Dropped Person", proposed=True),
    ).reject(by=editor)  # its proposed speaker goes with it
    Quote.create(
        second, kind="direct", fragments=[civilians], status=Quote.Status.SUGGESTED
    ).reject(by=editor)
    BoilerplateRange.objects.create(article=first, start=0, end=8, note="kicker")
    BoilerplateRange.objects.create(article=second, start=0, end=8, proposed=True)
    igor.merge(twin, by=admin)

    gone = ArticleFactory(
        title="Withdrawn", body=BODY, url="https://paper.example/w", publisher=paper
    )
    Quote.create(gone, kind="direct", fragments=[civilians], speaker=igor, by=editor).soft_delete(
        by=editor
    )
    Quote.create(gone, kind="direct", fragments=[every], speaker=igor, by=editor)
    gone.soft_delete(by=admin)
    SpeakerFactory(name="Gone Speaker", description="left").soft_delete(by=editor)
    OutletFactory(name="Gone Outlet").soft_delete(by=editor)
    return first, second, gone
