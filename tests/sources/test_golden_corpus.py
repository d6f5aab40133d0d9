"""Golden tests over real agency copy: each file of tests/fixtures/wire/ imported through the real
path (``import_paths`` with ``--publish``), and what the desk gets compared with what a person
reading the file expects (tests/fixtures/wire/expectations.json; the files' sources and licences in
tests/fixtures/wire/SOURCES.md).

An expectation the code does not meet yet carries ``defect`` and is an xfail (strict: a fix that
makes it pass must remove the mark). The ``holdout`` files were kept out of tuning and are
reported apart (``-k holdout``)."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from articles.models import Article
from sources.ingest.pipeline import import_paths
from sources.models import WireItem

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "wire"
EXPECTATIONS = json.loads((CORPUS / "expectations.json").read_text(encoding="utf-8"))["files"]
_TAG = re.compile(r"<[^>]+>")


def _cases():
    for case in EXPECTATIONS:
        marks = []
        if case.get("defect"):
            marks.append(pytest.mark.xfail(reason=case["defect"], strict=True))
        name = ("holdout:" if case.get("holdout") else "") + case["file"].removeprefix("holdout/")
        yield pytest.param(case, id=name, marks=marks)


def _text(html: str) -> str:
    import html as html_lib

    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _run(case):
    for earlier in case.get("after", []):
        import_paths([str(CORPUS / earlier)], source_code=case.get("source"), publish=True)
    return import_paths([str(CORPUS / case["file"])], source_code=case.get("source"), publish=True)


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(_cases()))
def test_golden(case):
    assert (CORPUS / case["file"]).is_file(), case["file"]
    before = set(Article.objects.values_list("pk", flat=True))
    report = _run(case)
    problems = []

    def check(what, got, want):
        if got != want:
            problems.append(f"{what}: got {got!r}, expected {want!r}")

    for key in ("created", "failed", "withdrawn", "skipped"):
        if key in case:
            check(f"{key} count", report.counts[key], case[key])
    if "notice" in case:
        said = " ".join(report.notices + report.errors).casefold()
        if case["notice"].casefold() not in said:
            problems.append(f"the summary does not say {case['notice']!r}: {report.notices + report.errors}")
    articles = list(Article.objects.order_by("pk"))
    new = [a for a in articles if a.pk not in before] or articles
    if "published" in case:
        check("published count", sum(a.status == "published" for a in new), case["published"])

    for position, want in enumerate(case.get("stories", [])):
        index = want.get("index", position)
        if index >= len(new):
            problems.append(f"story {index}: not imported ({report.errors[:3]})")
            continue
        article = new[index]
        label = f"story {index}"
        body = _text(article.body)
        if "headline" in want:
            check(f"{label} headline", article.headline, want["headline"])
        if "body_starts" in want and not body.startswith(want["body_starts"]):
            problems.append(f"{label} body starts {body[:90]!r}, expected {want['body_starts']!r}")
        if "standfirst_starts" in want and not article.standfirst.startswith(want["standfirst_starts"]):
            problems.append(f"{label} standfirst {article.standfirst[:80]!r}")
        for phrase in want.get("contains", []):
            if phrase not in body and phrase not in article.body:
                problems.append(f"{label} body lacks {phrase!r}")
        everything = " ".join([article.headline, article.standfirst, body, article.body])
        for phrase in want.get("absent", []):
            if phrase in everything:
                problems.append(f"{label} shows {phrase!r}")
        for field in ("dateline_place", "dateline_outlet"):
            if field in want:
                check(f"{label} {field}", getattr(article, field), want[field])
        if "language" in want:
            check(f"{label} language", article.language.split("-")[0].lower(), want["language"])
        if "credits" in want:
            got = [[c.role, c.name] for c in article.credits.order_by("position", "pk")]
            check(f"{label} credits", got, want["credits"])
        if "status" in want:
            check(f"{label} status", article.status, want["status"])
        if "flagged" in want and want["flagged"] not in article.editor_note.casefold():
            problems.append(f"{label} not flagged for the desk ({article.editor_note[:80]!r})")
        if "withdrawn" in want:
            check(f"{label} withdrawn", bool(article.withdrawn_reason), want["withdrawn"])
        if "embargo_until" in want:
            check(f"{label} embargo", article.embargo_until, _utc(want["embargo_until"]))
        if "urgency_at_most" in want and not (article.urgency and article.urgency <= want["urgency_at_most"]):
            problems.append(f"{label} urgency {article.urgency}")
        if "source" in want:
            check(f"{label} source", article.source.code if article.source else None, want["source"])
        item = WireItem.objects.filter(article=article).order_by("-pk").first()
        if "version" in want:
            check(f"{label} version", item.version if item else None, want["version"])
        if "version_at" in want:
            check(f"{label} time (UTC)", item.version_at if item else None, _utc(want["version_at"]))
    assert not problems, "\n".join([case["file"], *problems])
