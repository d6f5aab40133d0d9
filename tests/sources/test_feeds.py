"""RSS 2.0 and Atom through feedparser: one story per entry, sanitised, bytes never a URL."""

import json
from datetime import UTC, datetime

import pytest

from articles.models import Article
from sources.models import WireItem
from sources.wire import ParseError, detect_format, get_parser
from tests.sources.wire_helpers import fixture, parse, parse_error, run


def test_rss_entries():
    first, second, third = parse("rss", "feed.rss")
    assert first.headline == "Dam level rises" and first.guid == "nrw-1"
    assert first.standfirst == "Short teaser."
    assert first.body_html.startswith("<p>Full body.</p>")
    for bad in ("<script", "onerror", "javascript:", "<form", "<input", "<img"):
        assert bad not in first.body_html
    assert [(c.name, c.role) for c in first.credits] == [("Dana Aziz", "writer"), ("Karwan Ali", "writer")]
    assert first.keywords == ["Environment", "Iraq"] and first.language == "en-gb"
    assert first.first_created == datetime(2025, 3, 3, 5, 0, tzinfo=UTC)
    assert first.copyright == "© NR Wire" and first.url == "https://www.nrwire.test/dam"
    assert first.source_code == "nrwire.test"
    assert second.guid == "https://www.nrwire.test/second"  # no guid: the link
    assert second.body_html == "<p>Just a description with <b>markup</b>.</p>" and second.standfirst == ""
    # "desk@nrwire.test (News Desk)": the e-mail address left out, and a desk is no person (issue 11)
    assert second.credits == []
    # no title, a description: its first sentence is the headline, flagged for the desk (issue 11)
    assert third.headline == "An item without a title" and "first sentence" in third.editor_note


def test_atom_entry():
    (entry,) = parse("atom", "feed.atom")
    assert entry.headline == "Staudamm voll" and entry.guid == "urn:nrwire.test:atom:1"
    assert entry.standfirst == "Der Pegel steigt."
    assert entry.body_html.startswith("<p>Der Damm ist voll.</p>")
    assert (
        "style" not in entry.body_html
        and "onclick" not in entry.body_html
        and "javascript:" not in entry.body_html
    )
    assert [(c.name, c.role) for c in entry.credits] == [
        ("Dana Aziz", "writer"),
        ("Karwan Ali", "additional"),
    ]
    assert entry.version_at == datetime(2025, 3, 3, 8, 30, tzinfo=UTC)
    assert entry.first_created == datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
    assert entry.language == "de" and entry.keywords == ["Umwelt"] and entry.copyright == "© NR Wire"


def test_bytes_that_look_like_a_path_or_url_are_never_opened():
    for data in (b"/etc/passwd", b"https://example.org/feed.xml", b"file:///etc/passwd"):
        with pytest.raises(ParseError):
            get_parser("rss").parse(data)


def test_detection_is_by_content():
    assert detect_format(fixture("rss", "feed.rss").read_bytes()) == "rss"
    assert detect_format(fixture("atom", "feed.atom").read_bytes()) == "atom"
    assert detect_format(b"<?xml version='1.0'?>\n<!-- c -->\n<rdf:RDF xmlns:rdf='x'></rdf:RDF>") == "rss"


def test_rss_given_as_atom_is_refused():
    exc = parse_error(fixture("rss", "feed.rss").read_bytes(), fmt="atom")
    assert "not atom" in str(exc)


def test_empty_feed():
    exc = parse_error(b'<rss version="2.0"><channel><title>t</title></channel></rss>')
    assert exc.field == "entries"


@pytest.mark.django_db
def test_import_feed_one_story_per_entry():
    code, out, err = run(fixture("rss", "feed.rss"), "--source", "NRW", "--publish")
    assert code == 0, err
    assert "created 3, updated 0, unchanged 0, failed 0" in out
    assert set(Article.objects.values_list("wire_guid", flat=True)) == {
        "nrw-1",
        "https://www.nrwire.test/second",
        "nrw-3",
    }
    assert Article.objects.published().count() == 3


@pytest.mark.django_db
def test_each_feed_entry_keeps_its_own_raw_payload():
    run(fixture("rss", "feed.rss"), "--source", "NRW")
    items = list(WireItem.objects.all())
    assert len(items) == 3
    for item in items:
        entry = json.loads(item.raw_payload)
        assert (entry.get("title") or entry.get("summary")) and item.parsed["guid"] in (
            entry.get("id"),
            entry.get("link"),
        )
        assert "NR Wire feed" not in item.raw_payload  # not the channel, not the other entries


@pytest.mark.django_db
def test_single_story_file_is_kept_whole():
    run(fixture("ninjs", "v1.json"), "--source", "NRW")
    assert WireItem.objects.get().raw_payload == fixture("ninjs", "v1.json").read_text(encoding="utf-8")


def test_an_item_without_a_title_takes_its_first_sentence_flagged():
    from sources.wire import parse_bytes

    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x.org/</link>'
        b"<description>d</description><item><guid>g1</guid><description>The dam at Dukan reopened on Monday"
        b" after a month of repairs. Engineers said water flows again.</description></item></channel></rss>"
    )
    (story,) = parse_bytes(rss)[1]
    assert story.headline == "The dam at Dukan reopened on Monday after a month of repairs."
    assert "first sentence" in story.editor_note and "Engineers said" in story.body_html
