"""A second caller of ``services.edit_article`` gets exactly the desk's behaviour.

Two identical stories; one is edited through the admin's change form (the page as a browser gets it,
posted back with changes), the other through the service with only the changes. Everything the edit
leaves behind must be the same: the story's columns, its credits and tags, the revision (snapshot,
reason, author), the audit rows and the lock.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleCredit, AuditEntry, Tag
from tests.desk.test_admin_drafting import form_data
from tests.factories import ArticleFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _twin(section, tag, writer, when):
    article = ArticleFactory(
        status="published",
        publish_at=when,
        first_published_at=when,
        updated_at=when,
        section=section,
        headline="Council approves new bridge",
    )
    article.tags.add(tag)
    ArticleCredit.objects.create(article=article, position=0, role="writer", editor=writer)
    ArticleCredit.objects.create(article=article, position=1, role="editing", name="Daniel Brooks")
    services.record_revision(article, reason="Created", first=True)
    return article


def _left_behind(article: Article) -> dict:
    article.refresh_from_db()
    revisions = list(
        article.revisions.order_by("number").values("number", "reason", "created_by", "snapshot")
    )
    for revision in revisions:
        revision["snapshot"].pop("slug")  # the twins' slugs differ
    audits = list(
        AuditEntry.objects.filter(article=article)
        .order_by("id")
        .values_list("action", "actor", "from_status", "to_status", "message")
    )
    return {
        "columns": {
            name: getattr(article, name)
            for name in (
                "headline",
                "standfirst",
                "body",
                "status",
                "version",
                "publish_at",
                "updated_at",
                "expire_at",
                "embargo_until",
                "first_published_at",
                "modified_by_id",
                "locked_by_id",
                "locked_at",
                "section_id",
                "language",
            )
        },
        "credits": [
            (c.position, c.role, c.name, c.editor_id) for c in article.credits.order_by("position", "id")
        ],
        "tags": sorted(article.tags.values_list("name", flat=True)),
        "revisions": revisions,
        "audit": audits,
    }


def test_the_admin_and_the_service_edit_alike(client, editor_user):
    section = SectionFactory(name="Kurdistan", slug="kurdistan")
    water, dams = Tag.objects.create(name="Water", slug="water"), Tag.objects.create(name="Dams", slug="dams")
    writer = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    when = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    expire = timezone.localtime(when + timedelta(days=7))
    by_admin, by_service = _twin(section, water, writer, when), _twin(section, water, writer, when)

    client.force_login(editor_user)
    url = reverse("admin:articles_article_change", args=[by_admin.pk])
    data = form_data(client.get(url).content.decode(), "article_form")
    data.update(
        {
            "headline": "Dam repairs finished <b>early</b>",
            "tags": [str(water.pk), str(dams.pk)],
            "expire_at_0": expire.strftime("%Y-%m-%d"),
            "expire_at_1": expire.strftime("%H:%M:%S"),
            "credits-1-role": "reporting",  # the second credit changes its role
            "credits-2-role": "translation",  # and a third is added
            "credits-2-name": "Rawa Karim",
            "credits-2-position": "2",
            "credits-TOTAL_FORMS": "3",
            "_save": "Save",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    services.edit_article(
        by_service,
        user=editor_user,
        fields={"headline": "Dam repairs finished <b>early</b>", "expire_at": expire},
        credits=[
            services.CreditInput(role="writer", editor_id=writer.pk),
            services.CreditInput(role="reporting", name="Daniel Brooks"),
            services.CreditInput(role="translation", name="Rawa Karim"),
        ],
        tags=["Water", "dams"],
        expected_version=1,
    )

    admin, service = _left_behind(by_admin), _left_behind(by_service)
    assert admin == service
    # and the edit is what was asked for (so the comparison is not of two no-ops)
    assert admin["columns"]["headline"] == "Dam repairs finished early" and admin["columns"]["version"] == 2
    assert admin["columns"]["expire_at"] == expire and admin["columns"]["publish_at"] == when
    assert [c[1:3] for c in admin["credits"]] == [
        ("writer", ""),
        ("reporting", "Daniel Brooks"),
        ("translation", "Rawa Karim"),
    ]
    assert admin["tags"] == ["Dams", "Water"]
    assert [r["reason"] for r in admin["revisions"]] == ["Created", "Edited"]
    assert [a[0] for a in admin["audit"]] == ["reschedule"]
    assert admin["columns"]["locked_by_id"] is None  # the admin's lock was released on save
