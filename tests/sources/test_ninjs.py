"""ninjs 1.x and 2.x: field mapping, wrong JSON types named by field, broken files."""

from datetime import UTC, datetime

import pytest

from articles.models import Article
from tests.sources.wire_helpers import fixture, parse, parse_error, run


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
