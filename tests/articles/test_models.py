"""Database constraints hold even when a form or service is bypassed."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.languages import normalise_language, text_direction
from articles.models import Article, ArticleCredit
from sources.models import WireItem
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def violates(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("factory", ArticleFactory)(**kwargs)


def test_published_article_needs_publish_time():
    violates(status="published", publish_at=None)


def test_headline_required():
    violates(headline="")


def test_wire_identity_unique_per_source():
    source = SourceFactory()
    ArticleFactory(source=source, wire_guid="urn:1")
    violates(source=source, wire_guid="urn:1")
    ArticleFactory(source=SourceFactory(), wire_guid="urn:1")  # another agency may reuse it
    ArticleFactory(source=source, wire_guid="")
    ArticleFactory(source=source, wire_guid="")  # own stories have no wire identity


def test_wire_item_unique_version_and_content():
    """The same version with the same content is stored once; the same version number with other
    content is kept too (a conflict for the desk), so nothing received is lost."""
    source = SourceFactory()
    WireItem.objects.create(source=source, guid="g", version=1, format="text", checksum="a", raw_payload="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        WireItem.objects.create(
            source=source, guid="g", version=1, format="text", checksum="a", raw_payload="x"
        )
    WireItem.objects.create(
        source=source, guid="g", version=1, format="text", checksum="b", raw_payload="y", outcome="conflict"
    )


def test_section_slug_unique():
    SectionFactory(name="A", slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionFactory._meta.model.objects.create(name="B", slug="same")


def test_credit_needs_a_person_or_a_name():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleCredit.objects.create(article=article, role="writer", name="")


def test_published_queryset():
    now = timezone.now()
    hour = timezone.timedelta(hours=1)
    visible = ArticleFactory(published=True)
    ArticleFactory()  # draft
    ArticleFactory(status="published", publish_at=now + hour)  # scheduled
    ArticleFactory(published=True, embargo_until=now + hour)  # embargoed
    ArticleFactory(published=True, expire_at=now - hour)  # expired
    ArticleFactory(status="killed", publish_at=now - hour)
    ArticleFactory(status="unpublished", publish_at=now - hour)
    lifted = ArticleFactory(published=True, embargo_until=now - hour)
    assert set(Article.objects.published()) == {visible, lifted}


def test_search_vector_is_generated_from_the_text():
    ArticleFactory(headline="Pomegranate harvest", body="<p>Growers in Halabja</p>", language="en")
    ArticleFactory(headline="هەنار", body="<p>باخەوانانی هەڵەبجە</p>", language="ckb")
    from django.contrib.postgres.search import SearchQuery

    assert Article.objects.filter(search_vector=SearchQuery("pomegranates", config="english")).count() == 1
    assert Article.objects.filter(search_vector=SearchQuery("halabja", config="english")).count() == 1
    assert Article.objects.filter(search_vector=SearchQuery("هەنار", config="simple")).count() == 1


@pytest.mark.parametrize(
    "code, normal, direction",
    [
        ("en", "en", "ltr"),
        ("ckb", "ckb", "rtl"),
        ("AR", "ar", "rtl"),
        ("ku_arab", "ku-Arab", "rtl"),
        ("ku-Latn", "ku-Latn", "ltr"),
        ("fa-IR", "fa-IR", "rtl"),
        ("zh-hant", "zh-Hant", "ltr"),
    ],
)
def test_language_direction(code, normal, direction):
    assert normalise_language(code) == normal
    assert text_direction(code) == direction
