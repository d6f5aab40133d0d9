"""Stories as IPTC ninjs 2.1 items (``http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json``).

Built from what ``api.queries`` loaded: no queries here. ninjs 2.1 allows no property of its own
(``unevaluatedProperties: false``), so everything is said with ninjs's own properties:

* ``uri``: the story's API address (stable: the id, not the slug); ``version``: the story's version
  number (every saved change bumps it); ``firstcreated``: the one publication time readers see
  (``Article.published_time``); ``versioncreated``: when a partner's copy went stale
  (``api.queries.changed_time_expr``); ``expires``: when it leaves the site, if set.
* ``headlines`` (``main``, and the kicker as ``kicker``), ``descriptions`` (the standfirst as
  ``summary``; each correction as its kind), ``bodies`` (``main``, sanitised HTML, full items only).
* ``by``: the writers (``By A, B and C``); ``people``: every credit, ``rel`` its role (``writer``,
  ``reporting``, ``editing``, ``translation``, ``photo``, ``additional``), ``uri`` the author page of a
  staff profile; ``infosources``: the agency of wire copy.
* ``located``: the dateline (``PLACE (Outlet)``); ``language``: BCP 47.
* ``subjects``: the section (``rel: section``) and the tags (``rel: tag``), ``uri`` their pages.
* ``renditions``: the story's web page; ``associations``: the lead picture (``featureimage``) with
  its caption, alt text, credit and every rendition (``articles/images.py``: WebP and JPEG sizes).
* A killed story is a tombstone: ``pubstatus: canceled`` with its uri, version and the time of the kill.
"""

from __future__ import annotations

import functools
import mimetypes
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.encoding import iri_to_uri

from articles.models import Status
from articles.querysets import story_corrections, story_tags
from public.seo import absolute

SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
STANDARD = {"name": "ninjs", "version": "2.1", "schema": SCHEMA_URI}
WRITER_ROLES = ("writer",)
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}


def rfc3339(value: datetime | None) -> str | None:
    """A time in UTC as RFC 3339 (``2025-03-01T09:30:00Z``, microseconds kept when there are any)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_rfc3339(value: str) -> datetime:
    """What ``rfc3339`` writes (and any ISO 8601 time with a zone) back to an aware datetime; a
    ValueError otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("not a time")
    parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    if parsed.tzinfo is None:
        raise ValueError("a time needs its zone (Z or +03:00)")
    return parsed


def link(url: str) -> str:
    """An absolute URI on SITE_URL (``public.seo.absolute``), non-ASCII slugs percent-encoded."""
    return iri_to_uri(absolute(url))


_PK_MARK = 987_654_321_987_654_321
_SAFE = "!$&'()*+,;=/~:@"  # what Django's reverse() leaves unquoted in a path


@functools.cache
def _route(name: str, keys: tuple[str, ...], site_url: str) -> tuple[str, dict[str, str]]:
    """``name``'s absolute URL with a marker in place of each argument: ``reverse()`` once per
    process, not for each of the hundred links of a page (it was a third of a page's time)."""
    marks = {k: str(_PK_MARK) if k == "pk" else f"~{k}~" for k in keys}
    return link(reverse(name, kwargs={k: _PK_MARK if k == "pk" else m for k, m in marks.items()})), marks


def link_to(name: str, **kwargs) -> str:
    """``link(reverse(name, kwargs=kwargs))``, the same text (``tests/api`` compares them)."""
    url, marks = _route(name, tuple(sorted(kwargs)), settings.SITE_URL)
    for key, value in kwargs.items():
        url = url.replace(marks[key], quote(str(value), safe=_SAFE))
    return url


def story_uri(pk: int) -> str:
    return link_to("api:story", pk=pk)


def _credits(article) -> list[dict]:
    return list(getattr(article, "api_credits", None) or [])


def _credit_name(credit: dict) -> str:
    return credit.get("editor_name") or credit.get("name") or ""


def byline(names: list[str]) -> str:
    """``By A``, ``By A and B``, ``By A, B and C``: what ``sources.wire`` reads back as writers."""
    if not names:
        return ""
    if len(names) == 1:
        return f"By {names[0]}"
    return f"By {', '.join(names[:-1])} and {names[-1]}"


def _people(article) -> list[dict]:
    people = []
    for credit in _credits(article):
        person = {"name": _credit_name(credit), "rel": credit["role"]}
        if credit.get("editor_slug") and credit.get("editor_active"):
            person["uri"] = link_to("public:author", slug=credit["editor_slug"])
        people.append(person)
    return people


def _subjects(article) -> list[dict]:
    subjects = []
    section = article.section if article.section_id else None
    if section is not None and section.is_active:
        subjects.append(
            {
                "name": section.name,
                "rel": "section",
                "literal": section.slug,
                "uri": link_to("public:section", slug=section.slug),
            }
        )
    for tag in story_tags(article):
        subjects.append(
            {"name": tag.name, "rel": "tag", "literal": tag.slug, "uri": link_to("public:tag", slug=tag.slug)}
        )
    return subjects


def _picture(article) -> dict | None:
    image = article.lead_image if article.lead_image_id else None
    if image is None or not image.file:
        return None
    original = link(image.file.url)
    renditions = [
        {
            "name": "original",
            "href": original,
            "contenttype": mimetypes.guess_type(image.file.name)[0] or "application/octet-stream",
            "width": image.width,
            "height": image.height,
        }
    ]
    for r in getattr(article, "lead_renditions", None) or []:
        renditions.append(
            {
                "name": f"{r['format']}-{r['width']}",
                "href": link(default_storage.url(r["file"])),
                "contenttype": CONTENT_TYPES.get(r["format"], "application/octet-stream"),
                "width": r["width"],
                "height": r["height"],
            }
        )
    picture = {"name": "featureimage", "uri": original, "type": "picture", "renditions": renditions}
    descriptions = [{"role": "alt", "contenttype": "text/plain", "value": image.alt_text}]
    if image.caption:
        descriptions.insert(0, {"role": "caption", "contenttype": "text/plain", "value": image.caption})
    picture["descriptions"] = descriptions
    if image.credit:
        picture["by"] = image.credit
    return picture


def story_item(article, *, full: bool) -> dict:
    """The ninjs item of a live story; ``full`` adds the body (the story endpoint), a list leaves it out."""
    item = {
        "uri": story_uri(article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full" if full else "partial",
        "profile": "newsroom-story",
        "version": str(article.version),
        "firstcreated": rfc3339(article.api_published),
        "versioncreated": rfc3339(article.api_changed),
        "pubstatus": "usable",
        "language": article.language,
        "slugline": article.slug,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": article.headline}],
    }
    if article.kicker:
        item["headlines"].append({"role": "kicker", "contenttype": "text/plain", "value": article.kicker})
    descriptions = []
    if article.standfirst:
        descriptions.append({"role": "summary", "contenttype": "text/plain", "value": article.standfirst})
    for correction in story_corrections(article):
        descriptions.append({"role": correction.kind, "contenttype": "text/plain", "value": correction.text})
    if descriptions:
        item["descriptions"] = descriptions
    if full:
        item["bodies"] = [{"role": "main", "contenttype": "text/html", "value": article.body}]
    writers = [_credit_name(c) for c in _credits(article) if c["role"] in WRITER_ROLES]
    if writers:
        item["by"] = byline(writers)
    people = _people(article)
    if people:
        item["people"] = people
    if article.dateline:
        item["located"] = article.dateline
    subjects = _subjects(article)
    if subjects:
        item["subjects"] = subjects
    if article.source_id:
        item["infosources"] = [{"name": article.source.name, "literal": article.source.code}]
    if article.urgency is not None:
        item["urgency"] = article.urgency
    if article.copyright:
        item["copyrightnotice"] = article.copyright
    if article.expire_at is not None:
        item["expires"] = rfc3339(article.expire_at)
    item["renditions"] = [
        {
            "name": "web",
            "href": link_to("public:story", pk=article.pk, slug=article.slug or "-"),
            "contenttype": "text/html",
            "title": article.headline,
        }
    ]
    picture = _picture(article)
    if picture is not None:
        item["associations"] = [picture]
    return item


def tombstone(article) -> dict:
    """A killed story: enough for a partner to find and take down its copy, nothing of its content."""
    return {
        "uri": story_uri(article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "partial",
        "version": str(article.version),
        "versioncreated": rfc3339(article.api_changed),
        "pubstatus": "canceled",
    }


def item(article, *, full: bool) -> dict:
    return tombstone(article) if article.status == Status.KILLED else story_item(article, full=full)


def corrections(article) -> list[dict]:
    return [
        {"kind": c.kind, "text": c.text, "created": rfc3339(c.created_at)} for c in story_corrections(article)
    ]


def versions(article) -> list[dict]:
    """The versions readers saw: the one that went live (at the publication time) and each saved while
    live after it. Revisions saved while it was scheduled or under embargo are one version: the first."""
    published = article.api_published
    seen: list[dict] = []
    for rev in getattr(article, "api_versions", None) or []:
        created = datetime.fromisoformat(rev["created_at"])
        version = str(rev["version"] or rev["number"])
        if published is not None and created <= published:
            seen[:] = [{"version": version, "versioncreated": rfc3339(published)}]
        else:
            seen.append({"version": version, "versioncreated": rfc3339(created)})
    return seen
