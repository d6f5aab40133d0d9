"""ninjs 1.x and 2.x: field mapping, wrong JSON types named by field, broken files."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.models import Article
from sources.wire import ParseError, parse_bytes
from tests.sources.wire_helpers import fixture, parse, parse_error, run

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "wire"


def test_ninjs_2_maps_every_field():
    (story,) = parse("ninjs", "v2.json")
    assert story.headline == "سد دوكان يمتلئ"  # the main headline, markup stripped, script kept
    assert story.standfirst == "أعلى منسوب منذ عقد"
    assert story.body_html == "<p>امتلأ السد.</p><p>فقرة</p>"  # the HTML body, script and handler gone
    assert [(c.name, c.role) for c in story.credits] == [("Dana Aziz", "writer"), ("Karwan Ali", "writer")]
    assert (story.dateline_place, story.dateline_outlet) == ("Erbil", "NR Wire")
    assert story.language == "ar" and story.urgency == 2
    assert story.guid == "urn:nrwire.test:ninjs:1" and story.version == 4
    assert story.version_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert story.first_created == datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    assert story.embargo_until == datetime(2099, 3, 4, tzinfo=UTC)
    assert story.keywords == ["dams", "water"] and story.subjects == ["environment", "c1"]
    assert story.copyright == "© 2025 NR Wire" and story.editor_note == "Embargoed until midnight"
    assert story.slugline == "Iraq-Dam" and story.source_code == "NRW" and story.status == "usable"


def test_ninjs_1_superdesk_flavour():
    (story,) = parse("ninjs", "v1.json")
    assert story.guid == "sd-123" and story.version == 2 and story.status == "canceled"
    assert story.standfirst == "Brewers adapt."
    assert "iframe" not in story.body_html and "javascript:" not in story.body_html
    assert [(c.name, c.role) for c in story.credits] == [
        ("Aaron J. Staples", "writer"),
        ("Josh Pitt", "editing"),
    ]
    assert story.urgency == 5 and story.subjects == ["global warming"] and story.source_code == "360info"
    assert story.version_at == datetime(2022, 6, 26, 23, 54, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("headline-number.json", "headline", "expected a string, got a number"),
        ("bodies-not-list.json", "bodies", "expected a list, got a string"),
        ("bad-version.json", "version", "not a whole number"),
        ("truncated.json", None, "not valid JSON"),
    ],
)
def test_wrong_types_and_broken_json_name_the_field(name, field, words):
    exc = parse_error(fixture("ninjs", name).read_bytes())
    assert exc.field == field and words in str(exc)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (b'{"uri": "u", "headlines": "x"}', "headlines"),
        (b'{"uri": "u", "headlines": [1]}', "headlines[0]"),
        (b'{"uri": "u", "headlines": [{"value": ["x"]}]}', "headlines[0].value"),
        (b'{"uri": "u", "headline": "h", "keywords": ["a", 3]}', "keywords[1]"),
        (b'{"uri": "u", "headline": "h", "urgency": {"a": 1}}', "urgency"),
        (b'{"uri": "u", "headline": "h", "versioncreated": 5}', "versioncreated"),
        (b'{"uri": "u", "headline": "h", "embargoed": "soon"}', "embargoed"),
        (b'{"uri": "u", "headline": "h", "pubstatus": "maybe"}', "pubstatus"),
        (b'{"uri": "u", "headline": "h", "version": 1.5}', "version"),
    ],
)
def test_more_wrong_types(document, field):
    assert parse_error(document, fmt="ninjs").field == field


def test_a_json_array_or_unknown_object_is_refused():
    assert "unrecognised JSON" in str(parse_error(b'{"foo": 1}'))
    assert "JSON object" in str(parse_error(b"[1, 2]", fmt="ninjs"))


@pytest.mark.django_db
def test_import_ninjs_2_keeps_the_script_and_holds_the_embargo():
    code, out, err = run(fixture("ninjs", "v2.json"), "--publish")
    assert code == 0, err
    article = Article.objects.get()
    assert article.headline == "سد دوكان يمتلئ" and article.language == "ar" and article.direction == "rtl"
    assert article.embargo_until == datetime(2099, 3, 4, tzinfo=UTC)
    assert not Article.objects.published().exists()


@pytest.mark.django_db
def test_import_of_wrong_types_fails_naming_file_and_field():
    code, out, err = run(fixture("ninjs", "headline-number.json"), "--source", "NRW")
    assert code == 1 and "headline-number.json" in err and "field headline" in err
    assert not Article.objects.exists()


# --- envelopes, versions, media items, 3.x names ----------------------------------------------------

ITEM = {"uri": "urn:x:1", "headline": "Dam reopened", "body_text": "Water flows again."}


@pytest.mark.parametrize(
    "envelope",
    [
        {"data": [ITEM, {**ITEM, "uri": "urn:x:2"}]},
        {"items": [ITEM, {**ITEM, "uri": "urn:x:2"}]},
        {"total": 2, "limit": 20, "item": [ITEM, {**ITEM, "uri": "urn:x:2"}]},
        {
            "hits": {
                "total": 2,
                "hits": [{"_id": "1", "_source": ITEM}, {"_id": "2", "_source": {**ITEM, "uri": "urn:x:2"}}],
            }
        },
        {"results": [{"item": ITEM}, {"item": {**ITEM, "uri": "urn:x:2"}}]},
        [ITEM, {**ITEM, "uri": "urn:x:2"}],
    ],
    ids=["data", "items", "item", "hits", "results-item", "list"],
)
def test_an_api_envelope_is_unwrapped_each_item_a_story(envelope):
    fmt, stories = parse_bytes(json.dumps(envelope).encode())
    assert fmt == "ninjs" and [s.guid for s in stories] == ["urn:x:1", "urn:x:2"]
    assert all(s.headline == "Dam reopened" and json.loads(s.raw)["uri"] == s.guid for s in stories)


def test_an_envelope_of_something_else_is_refused_saying_what_it_is():
    message = str(
        parse_error(json.dumps({"data": [{"id": 1, "name": "x"}], "uri": "u"}).encode(), fmt="ninjs")
    )
    assert "API envelope" in message and "'data'" in message and "not ninjs items" in message
    message = str(parse_error(b'{"status": "ok", "next": "/page/2", "count": 3}', fmt="ninjs"))
    assert "no ninjs item" in message and "count, next, status" in message


def test_one_bad_item_of_an_envelope_fails_alone():
    _, stories = parse_bytes(json.dumps({"items": [ITEM, {"uri": "urn:x:bad", "headline": 5}]}).encode())
    assert stories[0].headline == "Dam reopened"
    assert (
        isinstance(stories[1], ParseError)
        and stories[1].field == "headline"
        and stories[1].story == "urn:x:bad"
    )


@pytest.mark.parametrize(
    ("marker", "version"),
    [
        ({"$standard": {"name": "ninjs", "version": "4.0"}}, "4.0"),
        ({"$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_9.1.json"}, "9.1"),
    ],
)
def test_an_unsupported_major_version_is_refused_naming_it(marker, version):
    error = parse_error(json.dumps({**ITEM, **marker}).encode(), fmt="ninjs")
    assert f"ninjs {version} is not supported" in str(error) and "1.x, 2.x and 3.x" in str(error)


def test_ninjs_3_camel_case_names_are_read():
    document = {
        "$standard": {"name": "ninjs", "version": "3.0"},
        "uri": "urn:x:3",
        "headlines": [{"role": "main", "value": "Dam reopened"}],
        "versionCreated": "2025-03-03T09:00:00Z",
        "pubStatus": "usable",
        "copyrightHolder": "NRW",
        "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>Water <b>flows</b>.</p>"}],
    }
    (story,) = parse_bytes(json.dumps(document).encode())[1]
    assert story.version_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC) and story.source_code == "NRW"
    assert story.body_html == "<p>Water <b>flows</b>.</p>"


@pytest.mark.django_db
def test_a_picture_item_is_skipped_with_its_reason():
    code, out, err = run(CORPUS / "holdout" / "ninjs" / "superdesk-ninjs3-picture.json")
    assert code == 0, err
    assert "skipped 1" in out and "a ninjs picture item, not a text story" in out + err
    assert not Article.objects.exists()


def test_a_body_that_is_a_whole_html_document_gives_its_title_to_the_headline():
    document = {
        "uri": "urn:x:doc",
        "body_html": "<!DOCTYPE html><html><head><title>Dam reopened</title><style>p {}</style></head>"
        "<body><h1>Dam reopened</h1><p>Water flows again at the dam.</p></body></html>",
    }
    (story,) = parse_bytes(json.dumps(document).encode())[1]
    assert story.headline == "Dam reopened" and story.body_html == "<p>Water flows again at the dam.</p>"


def test_ninjs_2_people_with_a_credit_rel_are_credits_and_people_the_story_is_about_are_not():
    item = {
        "uri": "urn:example:people",
        "headline": "Dam opens",
        "body_text": "The dam opened on Monday.",
        "by": "By Karwan Ali",
        "people": [
            {"name": "Karwan Ali", "rel": "writer"},
            {"name": "Lana Aziz", "rel": "editing"},
            {"name": "Dara Omer", "rel": "Reporting"},
            {"name": "Masrour Barzani", "rel": "subject"},  # the prime minister the story is about
            {"name": "Nechirvan Barzani"},
        ],
    }
    _, (story,) = parse_bytes(json.dumps(item).encode(), fmt="ninjs")
    assert [(c.name, c.role) for c in story.credits] == [
        ("Karwan Ali", "writer"),
        ("Lana Aziz", "editing"),
        ("Dara Omer", "reporting"),
    ]
