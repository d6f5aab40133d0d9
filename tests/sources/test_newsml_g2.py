"""NewsML-G2: a bare newsItem, a newsMessage of several items, prefixed namespaces, bodies."""

from datetime import UTC, datetime

import pytest

from articles.models import Article
from sources.models import WireItem
from sources.wire import ParseError
from sources.wire import xmlsafe as x
from tests.sources.wire_helpers import fixture, parse, parse_error, run


def test_bare_news_item_maps_every_field():
    (story,) = parse("newsml-g2", "item-v1.xml")
    assert story.guid == "urn:newsml:nrwire.test:2025:dam" and story.version == 1
    assert story.headline == "Dam level rises after rains" and story.kicker == "Water"
    assert story.standfirst == "Reservoirs are at their highest in a decade."
    assert story.body_html == "<p>The Dukan dam is full.</p> <p>Officials opened two spillways.</p>"
    assert [(c.name, c.role) for c in story.credits] == [("Dana Aziz", "writer"), ("Karwan Ali", "writer")]
    assert (story.dateline_place, story.dateline_outlet) == ("ERBIL", "NR Wire")
    assert story.language == "en-GB" and story.urgency == 3
    assert story.keywords == ["dams", "water"]
    assert story.subjects == ["environment", "medtop:20000551"]
    assert story.version_at == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert story.first_created == datetime(2025, 3, 1, 7, 30, tzinfo=UTC)
    assert story.copyright == "Copyright 2025 NR Wire" and story.editor_note == "Please credit NR Wire."
    assert story.slugline == "Iraq-Dam" and story.source_code == "NRW" and story.status == "usable"


def test_canceled_pub_status():
    (story,) = parse("newsml-g2", "item-v3-canceled.xml")
    assert story.status == "canceled" and story.version == 3


def test_news_message_with_prefixed_namespaces_and_several_items():
    stories = parse("newsml-g2", "message-prefixed.xml")
    assert len(stories) == 3  # the picture item is skipped
    first, second, third = stories
    assert first.headline == "First item: XHTML body"
    assert first.body_html == "<p>The first paragraph.</p> <p>Second paragraph.</p>"
    assert (first.dateline_place, first.dateline_outlet) == ("BAGHDAD", "NR Wire")
    assert [(c.name, c.role) for c in first.credits] == [
        ("Lina Haddad", "reporting"),
        ("Ava Homa", "editing"),
    ]
    assert first.standfirst == ""  # a caption description is not a standfirst
    assert first.embargo_until == datetime(2099, 5, 1, 10, 0, tzinfo=UTC)
    assert first.version == 5 and first.urgency == 1 and first.source_code == "nrwire.test"
    assert second.body_html == "<p>First paragraph &lt;b&gt;not bold&lt;/b&gt;.</p>\n<p>Second paragraph.</p>"
    assert isinstance(third, ParseError) and third.field == "headline"
    assert third.story == "tag:nrwire.test,2025:three"


def test_broken_files():
    exc = parse_error(fixture("newsml-g2", "mismatched.xml").read_bytes())
    assert "not well-formed XML" in str(exc) and exc.line == 3
    exc = parse_error(fixture("newsml-g2", "bad-version.xml").read_bytes())
    assert exc.field == "newsItem/@version" and "'two'" in str(exc)


@pytest.mark.django_db
def test_one_bad_item_does_not_stop_the_others():
    code, out, err = run(fixture("newsml-g2", "message-prefixed.xml"), "--publish")
    assert code == 1
    assert "created 2, updated 0, unchanged 0, failed 1" in out
    assert (
        "message-prefixed.xml: line" in err
        and "tag:nrwire.test,2025:three" in err
        and "field headline" in err
    )
    assert Article.objects.count() == 2 and WireItem.objects.count() == 2
    embargoed = Article.objects.get(wire_guid="tag:nrwire.test,2025:one")
    assert embargoed.status == "published" and embargoed.embargo_until is not None
    # The plain-text item shows "<b>not bold</b>" as text: markup a reader would see, so it is held
    # as a draft for the desk even with --publish (tests/sources/test_sweep.py).
    plain = Article.objects.get(wire_guid="tag:nrwire.test,2025:two")
    assert plain.status == "draft" and "markup shown as text" in plain.editor_note
    assert "held 1" in out and not Article.objects.published().exists()


@pytest.mark.django_db
def test_each_item_of_a_message_keeps_its_own_raw_payload():
    """Not the whole message once per story: each WireItem holds its own newsItem."""
    run(fixture("newsml-g2", "message-prefixed.xml"), "--publish")
    items = {i.guid: i.raw_payload for i in WireItem.objects.all()}
    assert set(items) == {"tag:nrwire.test,2025:one", "tag:nrwire.test,2025:two"}
    for guid, raw in items.items():
        assert raw.count("newsItem guid=") == 1 and f'guid="{guid}"' in raw
        assert "newsMessage" not in raw and "tag:nrwire.test,2025:three" not in raw
        # a well-formed fragment of its own, namespaces included
        assert x.local(x.parse_xml(raw.encode())) == "newsItem"
