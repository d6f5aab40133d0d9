"""People (issue 11, item 4): bylines list every person, keep ``Last, I.`` names whole, recognise
roles in English and translated, and do not make an outlet, a desk or initials a writer. The byline
splitter is ``xmlsafe.parse_byline``; credit lines are ``text.parse_credit_line``; what every format
then goes through is ``normalise``."""

import pytest

from sources.wire.base import ParsedCredit, ParsedStory
from sources.wire.normalise import normalise
from sources.wire.text import parse_credit_line
from sources.wire.xmlsafe import parse_byline


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Ann Lee, Bob Ray and Cy Twombly", ["Ann Lee", "Bob Ray", "Cy Twombly"]),
        ("Ann Lee; Bob Ray", ["Ann Lee", "Bob Ray"]),
        ("Ann Lee & Bob Ray", ["Ann Lee", "Bob Ray"]),
        ("von Anna Müller und Karl Wenz, dpa", ["Anna Müller", "Karl Wenz"]),
        ("Von Sunrita Sen, dpa", ["Sunrita Sen"]),
        ("Müller, K.", ["Müller, K."]),
        ("By Smith, J. R. and Jones, A.", ["Smith, J. R.", "Jones, A."]),
        ("By PAUL BYRNE and ALMUDENA CALATRAVA", ["Paul Byrne", "Almudena Calatrava"]),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Por José García y Ana López", ["José García", "Ana López"]),
        ("Aaron J. Staples, Michigan State University", ["Aaron J. Staples"]),
        ("By Tom Krasovic, The San Diego Union-Tribune", ["Tom Krasovic"]),
    ],
)
def test_a_byline_lists_every_person_and_keeps_names_whole(byline, names):
    assert [c.name for c in parse_byline(byline)] == names


@pytest.mark.parametrize(
    ("line", "credits"),
    [
        (
            "Reporting by Lina Haddad; Editing by Ava Homa",
            [("reporting", "Lina Haddad"), ("editing", "Ava Homa")],
        ),
        (
            "(Reporting by David Bailey in Minneapolis and Erwin Seba in Houston; Writing by Ann Lee; Editing by Bill Trott)",
            [
                ("reporting", "David Bailey"),
                ("reporting", "Erwin Seba"),
                ("writer", "Ann Lee"),
                ("editing", "Bill Trott"),
            ],
        ),
        (
            "Additional reporting by A. Smith; B. Jones",
            [("additional", "A. Smith"), ("additional", "B. Jones")],
        ),
        ("Writing by Müller, K.; Editing by Lee, J.", [("writer", "Müller, K."), ("editing", "Lee, J.")]),
        ("Redaktion: Anna Müller", [("editing", "Anna Müller")]),
        ("Übersetzt von Karl Wenz", [("translation", "Karl Wenz")]),
        ("Traduit par Jean Dupont", [("translation", "Jean Dupont")]),
        ("Edición de Ana López", [("editing", "Ana López")]),
        ("تحرير: أحمد علي", [("editing", "أحمد علي")]),
        ("وەرگێڕانی: ئاڤا هۆما", [("translation", "ئاڤا هۆما")]),
    ],
)
def test_credit_lines_and_their_roles(line, credits):
    assert [(c.role, c.name) for c in parse_credit_line(line)] == credits


@pytest.mark.parametrize(
    "line", ["The dam reopened on Monday.", "Editors say it rained", "By the way, it rained."]
)
def test_a_sentence_is_no_credit_line(line):
    assert parse_credit_line(line) is None


def test_a_trailing_credit_line_becomes_credits_in_any_format_without_crediting_twice():
    story = normalise(
        ParsedStory(
            headline="Oil edges up",
            body_html="<p>Oil rose.</p><p>(Reporting by Henning Gloystein; Editing by Richard Pullin)</p>",
            credits=[ParsedCredit("Henning Gloystein")],
        )
    )
    assert story.body_html == "<p>Oil rose.</p>"
    assert [(c.role, c.name) for c in story.credits] == [
        ("writer", "Henning Gloystein"),
        ("editing", "Richard Pullin"),
    ]


@pytest.mark.parametrize(
    "name", ["gr/bp", "dpa correspondents", "The Sports Network", "www.example.com", "Staff"]
)
def test_initials_desks_and_outlets_are_no_credits(name):
    story = normalise(
        ParsedStory(headline="x", body_html="<p>y</p>", credits=[ParsedCredit(name), ParsedCredit("Ann Lee")])
    )
    assert [c.name for c in story.credits] == ["Ann Lee"]


def test_surnames_that_are_newspaper_words_stay_people():
    story = normalise(ParsedStory(headline="x", body_html="<p>y</p>", credits=[ParsedCredit("Emily Post")]))
    assert [c.name for c in story.credits] == ["Emily Post"]
