"""An editor drafts, edits and saves a story with credits, tags and a section in the admin.

The form is read from the rendered page (every input, select and textarea with its initial value),
so the test posts what a browser would, whatever widgets the admin uses.
"""

import lxml.html
import pytest
from django.urls import reverse

from articles.models import Article, Revision, Tag
from tests.factories import EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def form_data(html: str, form_id: str) -> dict:
    doc = lxml.html.fromstring(html)
    form = doc.get_element_by_id(form_id)
    data = {}
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button", "file"):
            continue
        if element.tag == "select":
            selected = [o.get("value") for o in element.iter("option") if o.get("selected") is not None]
            if element.get("multiple") is not None:
                data[name] = selected
            else:
                data[name] = selected[0] if selected else ""
        elif element.get("type") == "checkbox":
            if element.get("checked") is not None:
                data[name] = element.get("value", "on")
        elif element.tag == "textarea":
            data[name] = element.text or ""
        else:
            data[name] = element.get("value", "")
    return data


def test_editor_drafts_and_edits_a_story(client, editor_user):
    section = SectionFactory(name="Kurdistan", slug="kurdistan")
    tag = Tag.objects.create(name="Water", slug="water")
    writer = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    client.force_login(editor_user)

    add_url = reverse("admin:articles_article_add")
    page = client.get(add_url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "article_form")
    data.update(
        {
            "headline": "Dam repairs finished <b>early</b>",
            "standfirst": "Engineers widened the spillway.",
            "body": "<p>The work ended on Monday.</p><script>alert(1)</script>",
            "section": str(section.pk),
            "tags": [str(tag.pk)],
            "language": "en",
            "credits-0-role": "reporting",
            "credits-0-editor": str(writer.pk),
            "credits-0-position": "0",
            "credits-1-role": "editing",
            "credits-1-name": "Daniel Brooks",
            "credits-1-position": "1",
            "credits-TOTAL_FORMS": "2",
        }
    )
    data["_save"] = "Save"
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    article = Article.objects.get()
    assert article.headline == "Dam repairs finished early"  # markup stripped from a plain field
    assert "<script>" not in article.body and "<p>The work ended on Monday.</p>" in article.body
    assert article.status == "draft"
    assert article.section == section and list(article.tags.all()) == [tag]
    assert [(c.role, c.display_name) for c in article.credits.all()] == [
        ("reporting", "Shilan Aziz"),
        ("editing", "Daniel Brooks"),
    ]
    assert article.created_by == editor_user
    first = Revision.objects.get(article=article)
    assert first.snapshot["credits"][0]["name"] == "Shilan Aziz"

    change_url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "article_form")
    data["standfirst"] = "Engineers widened the spillway by six metres."
    data["_save"] = "Save"
    response = client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.standfirst.endswith("six metres.")
    assert article.version == 2
    assert Revision.objects.filter(article=article).count() == 2


def test_every_model_is_in_the_admin(admin_client):
    from django.apps import apps
    from django.contrib import admin

    for label in ("articles", "sources", "editors"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created:
                continue
            if model.__name__ in ("ArticleCredit", "ImageRendition", "SchedulerMark", "RenderedPage"):
                continue  # edited inline with their parent / internal bookkeeping (the site's renderings)
            assert admin.site.is_registered(model), model
            url = reverse(f"admin:{label}_{model._meta.model_name}_changelist")
            assert admin_client.get(url).status_code == 200, url
