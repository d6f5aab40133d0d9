"""The plain-text agency form: the parser on our own fixtures, good and broken."""

from pathlib import Path

import pytest

from sources.wire import ParseError, detect_format, parse_bytes
from sources.wire.text import parse_credit_line

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"


def parse(name):
    fmt, stories = parse_bytes((FIXTURES / name).read_bytes())
    assert fmt == "text"
    assert len(stories) == 1
    return stories[0]


def test_full_story():
    story = parse("erbil-dam.txt")
    assert story.headline == "Erbil dam repairs finished ahead of spring floods"
    assert story.standfirst.startswith("Engineers say the reinforced spillway")
    assert story.dateline_place == "ERBIL, Kurdistan Region"
    assert story.dateline_outlet == "Newsroom"
    paragraphs = story.body_html.split("\n")
    assert len(paragraphs) == 3, "the no-break-space line must not become a paragraph"
    assert paragraphs[0].startswith("<p>Repairs to the Bastora dam")
    assert "“We worked through the winter" in story.body_html  # curly quotes intact
    assert [(c.name, c.role) for c in story.credits] == [("Sara Mohammed", "editing")]


def test_crlf_reuters_dateline_and_two_roles():
    story = parse("baghdad-crlf.txt")
    assert story.headline == "Oil exports resume through northern pipeline"
    assert story.dateline_place == "BAGHDAD"
    assert story.dateline_outlet == "Reuters"
    assert story.body_html.startswith("<p>Oil exports through the northern pipeline")
    assert "\r" not in story.body_html
    assert [(c.name, c.role) for c in story.credits] == [
        ("Ahmed Rasheed", "reporting"),
        ("Maher Chmaytelli", "reporting"),
        ("Kirsten Donovan", "editing"),
    ]


def test_byte_order_mark_and_hyphen():
    story = parse("bom-hyphen.txt")
    assert story.headline == "BOM headline survives"
    assert story.dateline_place == "SULAIMANI"
    assert story.body_html.startswith("<p>Body with a hyphen dateline.</p>")


def test_right_to_left_dateline():
    story = parse("sorani.txt")
    assert story.dateline_place == "هەولێر"
    assert story.dateline_outlet == "نیوزڕووم"
    assert story.standfirst.startswith("ئەندازیاران")


def test_markup_in_plain_text_is_escaped():
    data = b"Headline <script>alert(1)</script>\n\nBODY (X) - <img src=x onerror=alert(1)> text\n"
    _, [story] = parse_bytes(data)
    assert "<script>" not in story.body_html and "<img" not in story.body_html
    assert "&lt;img" in story.body_html


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("not-utf8.txt", "not UTF-8"),
        ("no-headline.txt", "no headline"),
    ],
)
def test_broken_input(name, message):
    with pytest.raises(ParseError) as info:
        parse_bytes((FIXTURES / name).read_bytes())
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_detects_text_not_xml_or_json():
    assert detect_format((FIXTURES / "erbil-dam.txt").read_bytes()) == "text"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Editing by Ava Homa", [("Ava Homa", "editing")]),
        (
            "(Reporting by A B and C D; Editing by E F)",
            [("A B", "reporting"), ("C D", "reporting"), ("E F", "editing")],
        ),
        ("Additional reporting by Jane Roe", [("Jane Roe", "additional")]),
        ("The editing by committee was slow", None),
    ],
)
def test_credit_lines(line, expected):
    credits = parse_credit_line(line)
    assert (None if credits is None else [(c.name, c.role) for c in credits]) == expected
