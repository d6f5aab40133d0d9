"""IPTC 7901: header, keyword line, heading block, teaser and dateline, subheadings, the notepad kept
from readers, leads as versions, Latin-1 bytes and CRLF."""

import time
from datetime import UTC, datetime

import pytest

from articles.models import Article
from sources.wire import parse_bytes
from tests.sources.wire_helpers import fixture, parse, parse_error, run


def test_maps_every_field():
    (story,) = parse("iptc7901", "dokan.iptc")
    assert story.headline == "Dokan-Stausee so voll wie seit zehn Jahren nicht"
    assert [(c.name, c.role) for c in story.credits] == [("Dana Aziz", "writer"), ("Karwan Ali", "writer")]
    assert story.language == "de"  # a "Von" byline
    assert (
        story.standfirst
        == "Nach einem schneereichen Winter steigt der Pegel. Ingenieure warnen vor Hochwasser."
    )
    assert (story.dateline_place, story.dateline_outlet) == ("Sulaimani", "nrw")
    assert story.body_html.startswith(
        "<p>Der Dokan-Stausee hat am Montag den höchsten Stand seit zehn Jahren"
    )
    assert "<h2>Überlauf bleibt vorerst geschlossen</h2>" in story.body_html
    assert story.keywords == ["Umwelt", "Irak", "Kurdistan", "Wasser"]
    assert story.subjects == ["iptc7901-category:vm"] and story.urgency == 3 and story.version == 1
    assert story.version_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert story.source_code == "NRW"
    assert "(Foto Archiv)" in story.editor_note and "## Kontakte" in story.editor_note


def test_the_notepad_and_initials_never_reach_readers():
    (story,) = parse("iptc7901", "dokan.iptc")
    text = story.body_html + story.standfirst + story.headline
    assert "dana@nrw.example" not in text and "Notizblock" not in text and "nrw dam/ka" not in text
    assert "dana@nrw.example" in story.editor_note


def test_lead_is_the_next_version_of_the_same_story():
    (first,) = parse("iptc7901", "dokan.iptc")
    (lead,) = parse("iptc7901", "dokan-lead.iptc")  # CRLF line ends
    assert lead.version == 2 and lead.identity_key() == first.identity_key()
    assert lead.version_at == datetime(2025, 3, 4, 10, 15, tzinfo=UTC)
    assert "Überlauf geöffnet" in lead.body_html


@pytest.mark.django_db
def test_lead_updates_rather_than_duplicates():
    assert run(fixture("iptc7901", "dokan.iptc"), "--publish")[0] == 0
    code, out, _ = run(fixture("iptc7901", "dokan-lead.iptc"), "--publish")
    assert code == 0 and "updated 1" in out
    article = Article.objects.get()
    assert "Überlauf geöffnet" in article.body and article.language == "de"
    assert set(article.tags.values_list("name", flat=True)) == {"Umwelt", "Irak", "Kurdistan", "Wasser"}


def test_urgent_latin1_message():
    (story,) = parse("iptc7901", "urgent.iptc")
    assert story.headline == "Irakisches Parlament wählt neuen Präsidenten"  # Latin-1 bytes read right
    assert story.urgency == 2 and "\x07" not in story.editor_note + story.headline
    assert story.dateline_place == "Bagdad" and story.version_at == datetime(2025, 3, 3, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x01nrw0001 3 vm 120  nrw 0001\n\nA/B/\n", "no STX"),
        (b"\x01what is this\n\x02Headline =\n\nBody.\n\x03", "unreadable header"),
        (b"\x01nrw0001 3 vm 120  nrw 0001\n\x02Headline =\n\n\x03", "no body"),
        (b"\x01nrw0001 3 vm 120  nrw 0001\n\x02\x00binary", "binary"),
    ],
)
def test_broken_messages_give_a_clear_error(data, words):
    assert words in str(parse_error(data))


def test_an_unclosed_parenthesis_is_linear_and_a_long_heading_is_refused():
    lines = "\n".join(["(never closed"] + ["more words (of the note"] * 20_000)
    data = f"\x01nrw0001 3 vm 120  nrw 0001\n\x02{lines}\nHeadline =\n\nBody.\n\x03".encode()
    started = time.monotonic()
    assert "heading block" in str(parse_error(data))
    assert time.monotonic() - started < 2


def test_a_huge_lead_number_is_not_a_crash():
    data = (
        "\x01nrw0001 3 vm 120  nrw 0001\n\x02" + "9" * 5000 + "ST LEAD\nHeadline =\n\nBody text.\n\x03"
    ).encode()
    _, (story,) = parse_bytes(data)
    assert story.headline.startswith("9999") or story.headline == "Headline"  # read as text, never a crash
