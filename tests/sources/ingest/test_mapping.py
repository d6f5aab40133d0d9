"""mapping: what a parsed story becomes, stated once for the bulk insert, the one-by-one import and
triage's Accept."""

from datetime import UTC, datetime

import pytest

from sources.ingest import mapping
from sources.wire.base import ParsedCredit, ParsedStory, ParseError


def story(**kwargs):
    values = {"headline": "Dam repaired", "body_html": "<p>Done.</p>", "guid": "urn:x:1"}
    values.update(kwargs)
    return ParsedStory(**values)


def test_credits_and_tags_are_cut_to_what_the_article_holds():
    changes = mapping.article_changes(
        story(credits=[ParsedCredit("N" * 250, "editing")], keywords=[f"tag {i}" for i in range(40)]), "en"
    )
    assert [(c.name, c.role) for c in changes.credits] == [("N" * 200, "editing")]
    assert changes.tags == [f"tag {i}" for i in range(30)]
    assert changes.fields["headline"] == "Dam repaired" and changes.fields["body"] == "<p>Done.</p>"
    assert changes.fields["language"] == "en"


def test_the_story_language_wins_over_the_default():
    assert mapping.story_language(story(language="ckb"), "en") == "ckb"
    assert mapping.story_language(story(language=""), "ar") == "ar"


@pytest.mark.parametrize(
    ("fields", "words"),
    [({"headline": "  "}, "no headline"), ({"dateline_place": "P" * 201}, "field dateline_place")],
)
def test_a_story_the_article_cannot_hold_is_refused(fields, words):
    with pytest.raises(ParseError, match=words):
        mapping.validate(story(**fields))


def test_a_stored_story_reads_back_as_it_was_parsed():
    original = story(
        credits=[ParsedCredit("Ava Homa", "editing")],
        version_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        keywords=["dam"],
    )
    assert mapping.story_from_json(original.as_json()) == original


def test_an_overlong_copyright_is_cut_with_a_note_not_a_refusal():
    long = story(copyright="Copyright " + "usage terms apply " * 50)
    mapping.validate(long)
    assert len(long.copyright) <= 300 and long.copyright.endswith("…")
    assert "copyright was cut to 300 characters" in long.editor_note
