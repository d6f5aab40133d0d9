"""The promise a desk relies on with ``--publish``, checked over every wire file there is: no story
reaches readers with an empty body, with markup or transport codes in its text, or with a date or a
time as its dateline.

Every file of the golden corpus (tests/fixtures/wire), of the synthetic encodings
(tests/fixtures/wire-encodings), of the per-format fixtures (good and broken:
tests/sources/fixtures, tests/fixtures/text) and, where present, of ../shared/samples/wire (those
marked ``conformance``, as tests/conformance) is imported with ``--publish``; each story that came
out published is checked with rules of its own, not with the importer's (``mapping.publish_hold``),
so that a gap there shows here."""

import html
import re
from pathlib import Path

import pytest

from articles.models import Article
from sources.ingest.pipeline import import_paths

TESTS = Path(__file__).resolve().parent.parent
SHARED = TESTS.parent.parent / "shared" / "samples" / "wire"
_NOT_WIRE = {"SOURCES.md", "expectations.json", "README.md"}


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.name not in _NOT_WIRE
        and "LICENSES" not in p.parts
        and not p.name.startswith(".")
    )


def _params():
    for root, marks in (
        (TESTS / "fixtures" / "wire", []),
        (TESTS / "fixtures" / "wire-encodings", []),
        (TESTS / "fixtures" / "text", []),
        (TESTS / "sources" / "fixtures", []),
        (SHARED, [pytest.mark.conformance]),
    ):
        for path in _files(root):
            yield pytest.param(path, id=f"{root.name}/{path.relative_to(root)}", marks=marks)


_TAG = re.compile(r"<[^>]+>")
# In the text a reader sees (tags taken away, entities decoded once): a tag shown as text, an
# entity left encoded, a transport code, a control character.
_SHOWN_MARKUP = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);", re.I
)
_TRANSPORT = re.compile(r"\bZCZC\b|\bNNNN\b|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A dateline that is a date or a time: digits in a date or clock shape, or a month and a day.
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\d{{4}}-?\d{{2}}-?\d{{2}}|\d{{1,2}}[:.]\d{{2}}\b|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b|\d{{8}}T|"
    rf"^\W*{_MONTHS}\s+\d{{1,2}}\b|^\W*\d{{1,2}}\s+{_MONTHS}|\b(?:GMT|UTC)\b",
    re.I,
)


def _shown(value: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def problems_of(article: Article) -> list[str]:
    found = []
    body = _shown(article.body)
    if not body:
        found.append("published with an empty body")
    for name in ("headline", "standfirst", "kicker"):
        value = getattr(article, name)
        for rule, what in ((_SHOWN_MARKUP, "markup"), (_TRANSPORT, "transport codes")):
            if rule.search(html.unescape(value)) if name == "headline" else rule.search(_shown(value)):
                found.append(f"{what} in the {name}: {value[:80]!r}")
    for rule, what in ((_SHOWN_MARKUP, "markup"), (_TRANSPORT, "transport codes")):
        if match := rule.search(body):
            found.append(f"{what} in the body: …{body[max(0, match.start() - 30) : match.end() + 30]!r}…")
    for name in ("dateline_place", "dateline_outlet"):
        if _DATE.search(getattr(article, name)):
            found.append(f"a date or time as the {name}: {getattr(article, name)!r}")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(_params()))
def test_nothing_broken_is_published(path):
    import_paths([str(path)], publish=True)
    problems = [
        f"{a.headline[:60]!r}: {p}"
        for a in Article.objects.filter(status="published")
        for p in problems_of(a)
    ]
    assert not problems, "\n".join([str(path), *problems])


def test_the_rules_catch_what_they_should():
    bad = Article(headline="x", body="<p>&lt;p&gt;text&lt;/p&gt; ZCZC</p>", dateline_place="2018-01-03 20:13")
    assert len(problems_of(bad)) == 3
    assert problems_of(Article(headline="x", body="")) == ["published with an empty body"]
    good = Article(
        headline="AT&T wins", body="<p>5 &lt; 6 and R&amp;D</p>", dateline_place="ERBIL, Kurdistan Region"
    )
    assert problems_of(good) == []
