"""factory_boy factories for model data (no sample files from ../shared here)."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, ArticleCredit, Correction, Section, Tag
from editors.models import Editor
from sources.models import Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@newsroom.test")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"AG{n}")
    slug = factory.Sequence(lambda n: f"ag{n}")


class EditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Editor

    display_name = factory.Sequence(lambda n: f"Writer {n}")
    slug = factory.Sequence(lambda n: f"writer-{n}")
    job_title = "Correspondent"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    class Params:
        published = factory.Trait(
            status="published",
            publish_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
            first_published_at=factory.SelfAttribute("publish_at"),
            updated_at=factory.SelfAttribute("publish_at"),
        )

    headline = factory.Sequence(lambda n: f"Council approves new bridge over the river, part {n}")
    slug = factory.Sequence(lambda n: f"council-approves-new-bridge-part-{n}")
    standfirst = "The city council voted on Tuesday to fund the crossing."
    body = "<p>The vote was close.</p><p>Work begins next spring.</p>"
    dateline_place = "ERBIL, Kurdistan Region"
    dateline_outlet = "Newsroom"
    language = "en"
    status = "draft"


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleCredit

    article = factory.SubFactory(ArticleFactory)
    role = "writer"
    name = factory.Sequence(lambda n: f"Reporter {n}")


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    kind = "correction"
    text = "An earlier version misspelt the minister's name."
