"""NITF: field mapping, namespaces, status and embargo, broken files; through the command too."""

from datetime import UTC, datetime

import pytest

from articles.models import Article
from sources.models import WireItem
from sources.wire import ParseError, parse_bytes
from tests.sources.wire_helpers import fixture, parse, parse_error, run


def test_full_namespaced_story_maps_every_field():
    (story,) = parse("nitf", "full-namespaced.xml")
    assert story.headline == "Council approves the new bridge"
    assert story.standfirst == "The vote was close."
    assert story.guid == "NR-2025-0001" and story.version == 3
    assert story.version_at == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert story.first_created == datetime(2025, 2, 28, 17, 0, tzinfo=UTC)
    assert story.language == "en-GB" and story.urgency == 2
    assert story.keywords == ["bridges", "Erbil"] and story.subjects == ["11000000 Politics"]
    assert story.copyright == "© 2025 Newsroom Wire"
    assert story.editor_note == "Corrects the vote count in paragraph 2."
    assert story.slugline == "erbil-bridge" and story.source_code == "NRW"
    assert (story.dateline_place, story.dateline_outlet) == ("Erbil, Kurdistan Region", "Newsroom Wire")
    assert [(c.name, c.role) for c in story.credits] == [
        ("Sara Mohammed", "writer"),
        ("Karwan Ali", "writer"),
        ("Dana Aziz", "reporting"),
        ("Ava Homa", "editing"),
    ]
    assert story.status == "usable" and story.embargo_until is None


def test_body_is_sanitised_html_without_media_dateline_or_credit_line():
    (story,) = parse("nitf", "full-namespaced.xml")
    body = story.body_html
    assert body.startswith("<p>The council voted 21 to 19")
    assert "<h2>What happens next</h2>" in body
    assert "Not body text" not in body  # the media caption
    assert "Reporting by" not in body
    assert "onclick" not in body and "javascript:" not in body
    assert '<a href="https://example.org/x" rel="noopener noreferrer">a good one</a>' in body
    assert "<org>" not in body and "spring" in body


def test_without_namespace_and_without_much():
    (story,) = parse("nitf", "minimal.xml")
    assert story.headline == "Minimal story" and story.guid == "min-1"
    assert story.dateline_place == "Oslo" and story.version is None
    assert story.source_code == ""


def test_canceled_names_the_story_it_replaces():
    (story,) = parse("nitf", "canceled.xml")
    assert story.status == "canceled"
    assert story.guid == "NR-2025-0001"  # management-doc-idref, not its own doc-id
    assert story.version == 4


def test_embargoed_uses_date_release():
    (story,) = parse("nitf", "embargoed.xml")
    assert story.status == "usable"
    assert story.embargo_until == datetime(2099, 1, 1, 6, 0, tzinfo=UTC)


def test_embargoed_without_a_release_time_is_withheld():
    data = (
        fixture("nitf", "embargoed.xml")
        .read_bytes()
        .replace(b'<date.release norm="2099-01-01T06:00:00+00:00"/>', b"")
    )
    (story,) = parse_bytes_nitf(data)
    assert story.status == "withheld" and story.embargo_until is None


def parse_bytes_nitf(data):
    from sources.wire import get_parser

    return get_parser("nitf").parse(data)


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("truncated.xml", None, "not well-formed XML"),
        ("no-headline.xml", "headline", "no headline"),
        ("bad-date.xml", "date.issue/@norm", "not a date and time"),
    ],
)
def test_broken_files_give_a_precise_error(name, field, words):
    exc = parse_error(fixture("nitf", name).read_bytes())
    assert isinstance(exc, ParseError)
    assert exc.field == field and words in str(exc)


def test_truncated_file_error_names_the_line():
    exc = parse_error(fixture("nitf", "truncated.xml").read_bytes())
    assert exc.line and exc.line >= 4


@pytest.mark.django_db
def test_import_creates_the_article_with_its_fields():
    code, out, err = run(fixture("nitf", "full-namespaced.xml"), "--publish")
    assert code == 0, err
    assert "Created source NRW" in out and "created 1" in out
    article = Article.objects.get()
    assert article.headline == "Council approves the new bridge"
    assert article.wire_guid == "NR-2025-0001" and article.source.code == "NRW"
    assert article.dateline_place == "Erbil, Kurdistan Region" and article.urgency == 2
    assert article.editor_note == "Corrects the vote count in paragraph 2."
    assert sorted(article.tags.values_list("name", flat=True)) == ["Erbil", "bridges"]
    assert list(article.credits.values_list("name", "role")) == [
        ("Sara Mohammed", "writer"),
        ("Karwan Ali", "writer"),
        ("Dana Aziz", "reporting"),
        ("Ava Homa", "editing"),
    ]
    assert WireItem.objects.get().version == 3


@pytest.mark.django_db
def test_import_cancel_withdraws_the_published_story():
    run(fixture("nitf", "full-namespaced.xml"), "--publish")
    code, out, _ = run(fixture("nitf", "canceled.xml"))
    assert code == 0 and "withdrawn 1" in out
    article = Article.objects.get()
    assert article.status == "unpublished"
    assert "canceled by agency" in article.withdrawn_reason
    assert not Article.objects.published().exists()


@pytest.mark.django_db
def test_import_embargo_holds_even_with_publish():
    code, _, _ = run(fixture("nitf", "embargoed.xml"), "--publish")
    assert code == 0
    article = Article.objects.get()
    assert article.status == "published"
    assert article.embargo_until == datetime(2099, 1, 1, 6, 0, tzinfo=UTC)
    assert not Article.objects.published().exists()
    assert Article.objects.published(now=datetime(2099, 1, 1, 6, 1, tzinfo=UTC)).exists()


@pytest.mark.django_db
def test_import_of_a_broken_file_fails_with_its_name_and_exit_1():
    code, out, err = run(fixture("nitf", "truncated.xml"), "--source", "NRW")
    assert code == 1
    assert "truncated.xml" in err and "not well-formed XML" in err
    assert "failed 1" in out and not Article.objects.exists()


def test_ntb_doc_id_numbers_versions_so_identity_is_its_stable_part():
    from pathlib import Path

    data = (
        Path(__file__).resolve().parent.parent / "fixtures/wire/holdout/nitf/NTB_nitf_sample.xml"
    ).read_bytes()
    (first,) = parse_bytes(data)[1]
    (second,) = parse_bytes(data.replace(b"869bbc3bbca7_00", b"869bbc3bbca7_01"))[1]
    assert first.guid == second.guid == "NTB5df9281a-a270-4dc5-a618-869bbc3bbca7"
    assert first.identity_key() == second.identity_key()
