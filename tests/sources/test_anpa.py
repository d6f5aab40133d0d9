"""ANPA-1312: header, heading lines, bylines in capitals, typewriter quotes, tables, several
messages in one file, write-throughs as versions, and markup that stays text."""

import time
from datetime import UTC, datetime

import pytest

from articles.models import Article
from sources.models import WireItem
from sources.wire import parse_bytes
from tests.sources.wire_helpers import fixture, parse, parse_error, run


def test_maps_every_field():
    (story,) = parse("anpa", "dokan-v1.anpa")
    assert story.headline == "Dokan dam fills for the first time in a decade"
    assert [(c.name, c.role) for c in story.credits] == [("Dana Aziz", "writer"), ("Karwan McLean", "writer")]
    assert (story.dateline_place, story.dateline_outlet) == ("SULAIMANI, Iraq", "NRW")
    assert story.body_html.startswith("<p>The Dokan reservoir reached its highest level")
    assert "\u201cWe have not seen water at this line since 2015,\u201d said" in story.body_html
    assert "the news \u2014 but engineers" in story.body_html
    assert "<hr>" in story.body_html and story.body_html.endswith(
        "<p>Aras Omer in Erbil contributed to this report.</p>"
    )
    assert story.editor_note == "Eds: With NRW Photos."
    assert story.slugline == "ML--Iraq-DokanDam 03-03" and story.version == 1 and story.urgency == 5
    assert story.version_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert story.source_code == "NRW" and story.subjects == ["anpa-category:i"] and story.guid == ""
    assert "NR Wire" not in story.body_html + story.headline  # the byline's affiliation line


def test_write_thru_is_the_next_version_of_the_same_story():
    (first,) = parse("anpa", "dokan-v1.anpa")
    (second,) = parse("anpa", "dokan-v2.anpa")
    assert second.version == 2 and second.urgency == 3
    assert second.identity_key() == first.identity_key()
    assert "Engineers opened the spillway" in second.body_html


@pytest.mark.django_db
def test_write_thru_updates_rather_than_duplicates():
    code, out, _ = run(fixture("anpa", "dokan-v1.anpa"), "--publish")
    assert code == 0 and "created 1" in out
    code, out, _ = run(fixture("anpa", "dokan-v2.anpa"), "--publish")
    assert code == 0 and "updated 1" in out
    article = Article.objects.get()
    assert "Engineers opened the spillway" in article.body
    assert sorted(WireItem.objects.values_list("version", "format")) == [(1, "anpa"), (2, "anpa")]
    code, out, _ = run(fixture("anpa", "dokan-v1.anpa"))
    assert "stale 1" in out or "unchanged 1" in out  # the first version arriving again changes nothing
    assert "Engineers opened the spillway" in Article.objects.get().body


def test_tabular_message_becomes_a_table_in_order_with_crlf_lines():
    (story,) = parse("anpa", "weather-table.anpa")
    assert story.headline == "Kurdistan Weather"  # no headline line: the keyword line names it
    html = story.body_html
    assert html.startswith("<p>Temperatures in Celsius for today:</p>\n<table><thead><tr><th")
    assert '<th scope="col">MAX</th>' in html and "<td>Duhok</td><td>2</td><td>12</td><td>pc</td>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert html.endswith("<p>Source: NRW weather desk</p>") and "^END" not in html


def test_several_messages_one_bad_fails_alone_and_markup_stays_text():
    fmt, stories = parse_bytes(fixture("anpa", "bundle.anpa").read_bytes())
    assert fmt == "anpa" and len(stories) == 3
    alert, broken, hostile = stories
    assert alert.headline == "Iraq's parliament elects a new speaker after a month of deadlock."  # a bulletin
    assert alert.urgency == 2 and alert.raw.startswith("\x16\x16\x01")
    assert "no STX" in str(broken) and "line" in str(broken)
    assert "<script>" not in hostile.body_html and "&lt;script&gt;" in hostile.body_html
    assert "<a " not in hostile.body_html  # a link in agency text is text, not a link


@pytest.mark.django_db
def test_import_of_a_bundle_reports_the_bad_message():
    code, out, err = run(fixture("anpa", "bundle.anpa"), "--publish")
    assert code == 1 and "created 2" in out and "failed 1" in out
    assert "bundle.anpa" in err and "no STX" in err
    hostile = Article.objects.get(headline__startswith="Council")
    assert hostile.headline == "Council votes on budget"  # plain fields lose their markup
    assert "<script" not in hostile.body and "onmouseover" not in hostile.headline


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x16\x16\x01N1\x1fsel\nr a\x13\x11 BC-X     03-03 10\n", "no STX"),
        (b"\x16\x16\x01N1\x1fsel\n\x02text\x03", "no priority/keyword line"),
        (b"\x16\x16\x01N1\x1fsel\nnonsense header here\n\x02text\x03", "unreadable header"),
        (b"\x16\x16\x01N1\x1fsel\nr a\x13\x11 BC-X     03-03 10\n\x02\x00\x01binary", "binary"),
        (b"\x16\x16\x01N1\x1fsel\nr a\x13\x11 BC-X     03-03 10\n\x02^BC-X,1<\n\x03", "no text"),
    ],
)
def test_broken_messages_give_a_clear_error(data, words):
    assert words in str(parse_error(data))


def test_forced_format_on_other_bytes_is_an_error_not_a_traceback():
    assert "SOH" in str(parse_error(b"Just a headline\n\nAnd a body.", fmt="anpa"))


def _message(text: str, header: str = "r a\x13\x11 BC-ML--Iraq-Test     03-03 10") -> bytes:
    return f"\x16\x16\x01N1\x1fsel\n{header}\n\x02{text}\x03NRW-WF-03-03-25 0900GMT\x04".encode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_message("\t   " + ";" * 100_000 + "\n" + "\t   a;b;c\n" * 300), "cells"),  # would pad to terabytes
        (_message("".join(f"\t   {i};1;2\n" for i in range(3000))), "rows"),
        (
            _message("^Head<\n\t   x", header="r a\x13\x11 BC-X " + "9" * 5000 + "stLd-Writethru 03-03 10"),
            "header",
        ),
        (_message("^Head<\n\t   x", header="r a BC-X " + " " * 300 + "03-03 10"), "header"),
    ],
)
def test_hostile_messages_fail_fast_and_clearly(data, words):
    started = time.monotonic()
    assert words in str(parse_error(data))
    assert time.monotonic() - started < 2


def test_long_runs_of_spaces_are_linear():
    started = time.monotonic()
    (story,) = parse_bytes(_message("^Head<\n\t   word" + " " * 200_000 + "end ^END<\n"))[1]
    assert time.monotonic() - started < 2 and story.body_html.endswith("end</p>")


def test_a_huge_lead_number_is_no_version_not_a_crash():
    (story,) = parse_bytes(_message("^Head<\n\t   x", header="r a BC-X " + "9" * 50 + "stLd 03-03 10"))[1]
    assert story.version is None  # not a lead number anyone sends: the next version


def test_the_same_keyword_on_another_day_is_another_story():
    (today,) = parse_bytes(_message("^Weather<\n\t   Sunny.", header="r w BC-WEA--Weather     03-03 10"))[1]
    (tomorrow,) = parse_bytes(_message("^Weather<\n\t   Rain.", header="r w BC-WEA--Weather     03-04 10"))[1]
    assert today.identity_key() != tomorrow.identity_key()
