"""Issue 15, item 6: a story exported as ninjs by the API and imported back with
``import_wire --format ninjs`` into an empty database comes out the same.

What comes back the same is pinned by the passing tests; what does not yet is each an
``xfail(strict=True)`` naming the gap in the import (so that fixing it turns the test red until the
mark goes), never a weakened assertion."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from api import ninjs, queries
from articles import services
from articles.models import Article, ArticleCredit, Correction, Revision, Section, Tag
from editors.models import Editor
from sources.models import Source, WireItem
from tests.factories import EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The Darbandikhan dam opened its gates on Monday.</p>"
    '<p>"We are ready," the minister said, <strong>twice</strong>.</p>'
    "<ul><li>Water level: 485 m</li><li>Capacity: 3 bn m³</li></ul>"
)


def _export(story) -> dict:
    """The story's item as the story endpoint gives it (the API's serializer)."""
    return ninjs.story_item(queries.story_detail(story.pk).get(), full=True)


def _empty_database():
    """What an empty database has: nothing of the newsroom's (role groups and users aside)."""
    for model in (WireItem, Correction, Revision, ArticleCredit, Article, Tag, Section, Editor, Source):
        model.objects.all().delete()


def _import(tmp_path, item, *args):
    path = tmp_path / "story.json"
    path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    call_command("import_wire", str(path), "--format", "ninjs", "--source", "NEWSROOM", *args)
    return Article.objects.get()


@pytest.fixture
def story(editor_user):
    writer = EditorFactory(display_name="Shirin Hama", slug="shirin-hama")
    section = SectionFactory(name="Kurdistan", slug="kurdistan")
    now = timezone.now()
    story = services.create_article(
        user=editor_user,
        headline="Darbandikhan dam opens its gates after record rain",
        standfirst="Officials say the reservoir is at its highest level in 30 years.",
        body=BODY,
        dateline_place="SULAIMANI, Kurdistan Region",
        dateline_outlet="Newsroom",
        language="en",
        section=section,
        status="published",
        publish_at=now - timedelta(hours=3),
        credits=[
            services.CreditInput(editor_id=writer.pk, role="writer"),
            services.CreditInput(name="Karwan Ali", role="writer"),
        ],
    )
    return Article.objects.get(pk=story.pk)


def test_the_exported_item_is_valid_ninjs(story, valid_ninjs):
    valid_ninjs(_export(story))


def test_headline_body_dateline_language_and_writers_come_back_the_same(story, tmp_path):
    item = _export(story)
    _empty_database()
    back = _import(tmp_path, item, "--publish")
    assert back.headline == story.headline
    assert back.standfirst == story.standfirst
    assert back.body == story.body
    assert (back.dateline_place, back.dateline_outlet) == (story.dateline_place, story.dateline_outlet)
    assert back.language == story.language
    credits = [(c.display_name, c.role) for c in back.credits.order_by("position", "id")]
    assert credits == [("Shirin Hama", "writer"), ("Karwan Ali", "writer")]
    # The wire log kept the item's own times as the agency's.
    wire = WireItem.objects.get()
    assert wire.parsed["first_created"] == story.published_time.isoformat()
    assert wire.guid == item["uri"]


def test_a_sorani_story_comes_back_the_same(editor_user, tmp_path):
    story = services.create_article(
        user=editor_user,
        headline="بەنداوی دەربەندیخان دەرگاکانی کردەوە",
        body="<p>ئاستی ئاو بەرزترین ئاستە لە ٣٠ ساڵدا.</p>",
        dateline_place="سلێمانی",
        language="ckb",
        status="published",
        credits=[services.CreditInput(name="شیرین حەمە", role="writer")],
    )
    item = _export(story)
    _empty_database()
    back = _import(tmp_path, item, "--publish")
    assert (back.headline, back.body, back.dateline_place, back.language) == (
        story.headline,
        story.body,
        "سلێمانی",
        "ckb",
    )
    assert [(c.name, c.role) for c in back.credits.all()] == [("شیرین حەمە", "writer")]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "sources/wire/ninjs.py reads credits from 'by' (as writers) and Superdesk's 'authors[]' only; "
        "ninjs 2.x has no 'authors' (unevaluatedProperties: false), so the API's credits with roles "
        "are 'people[]' with 'rel' = the role, which the parser does not read: editing, reporting, "
        "translation and photo credits are lost on import"
    ),
)
def test_credits_with_roles_come_back_the_same(story, tmp_path):
    services.update_article(
        story,
        credits=[
            services.CreditInput(name="Karwan Ali", role="writer"),
            services.CreditInput(name="Lana Aziz", role="editing"),
            services.CreditInput(name="Dara Omer", role="reporting"),
        ],
    )
    item = _export(story)
    _empty_database()
    back = _import(tmp_path, item, "--publish")
    assert [(c.display_name, c.role) for c in back.credits.order_by("position", "id")] == [
        ("Karwan Ali", "writer"),
        ("Lana Aziz", "editing"),
        ("Dara Omer", "reporting"),
    ]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "the import (sources/ingest/mapping.py article_fields) keeps 'firstcreated' and "
        "'versioncreated' in the wire log only: an article imported with --publish gets the import "
        "time as its publish time, so the publication time readers see is not the item's"
    ),
)
def test_the_times_come_back_the_same(story, tmp_path):
    item = _export(story)
    _empty_database()
    back = _import(tmp_path, item, "--publish")
    assert ninjs.rfc3339(back.published_time) == item["firstcreated"]
    assert ninjs.rfc3339(back.modified_time) == item["versioncreated"]
