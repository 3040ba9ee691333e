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
]
