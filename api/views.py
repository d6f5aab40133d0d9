"""The API's views: parameters checked (a 400 with a JSON error for anything wrong), one read from
``api.queries``, items from ``api.ninjs``. ``api.http.endpoint`` adds the key, the rate limit, ETag,
Cache-Control and CORS."""

from __future__ import annotations

import re
from datetime import UTC
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from api import ninjs, pagination, queries
from api.http import ApiError, Result, bad_parameter, endpoint
from api.models import Scope
from api.openapi import description
from articles.languages import normalise_language
from articles.models import ArticleCredit, Section, Status
from editors.models import Editor

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
STORY_PARAMS = ("limit", "cursor", "section", "tag", "author", "language", "updated_since")
AUTHOR_PARAMS = ("limit", "cursor")
_SLUG = re.compile(r"[-\w]{1,200}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


def _params(request, allowed) -> dict[str, str]:
    """The query parameters, one value each (the last); an unknown one is a 400 (a typo would
    otherwise silently return everything)."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise bad_parameter(
            unknown[0], f"Unknown parameter {unknown[0]!r}; this endpoint takes {', '.join(allowed)}."
        )
    return {name: request.GET.getlist(name)[-1] for name in allowed if name in request.GET}


def _limit(params) -> int:
    value = params.get("limit")
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,6}", value) or not 1 <= int(value) <= MAX_LIMIT:
        raise bad_parameter("limit", f"limit is a whole number from 1 to {MAX_LIMIT}.")
    return int(value)


def _slug(params, name) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not _SLUG.fullmatch(value):
        raise bad_parameter(name, f"{name} is a slug (letters, digits, '-' and '_'; at most 200).")
    return value


def _since(params):
    value = params.get("updated_since")
    if value is None:
        return None
    try:
        since = ninjs.parse_rfc3339(value)
        since.astimezone(UTC)  # a time that cannot be one in UTC (year 1 at +14:00) is refused here
    except (ValueError, OverflowError):
        raise bad_parameter(
            "updated_since", "updated_since is an RFC 3339 time with its zone, e.g. 2025-03-01T09:30:00Z."
        ) from None
    return since


def _next_url(request, params, cursor: str) -> str:
    query = {k: v for k, v in params.items() if k != "cursor"}
    query["cursor"] = cursor
    return ninjs.link(request.path + "?" + urlencode(query))


def _page(request, params, items, cursor):
    data = {"items": items, "next": None, "next_cursor": None}
    headers = {}
    if cursor is not None:
        data["next_cursor"] = cursor
        data["next"] = _next_url(request, params, cursor)
        headers["Link"] = f'<{data["next"]}>; rel="next"'
    return Result(data, headers=headers)


@endpoint(scope=None)
def index(request):
    return {
        "stories": ninjs.link(reverse("api:stories")),
        "sections": ninjs.link(reverse("api:sections")),
        "authors": ninjs.link(reverse("api:authors")),
        "openapi": ninjs.link(reverse("api:openapi")),
        "standard": ninjs.STANDARD,
    }


@endpoint(scope=None)
def openapi(request):
    return description()


@endpoint(scope=Scope.STORIES)
def stories(request):
    params = _params(request, STORY_PARAMS)
    limit = _limit(params)
    section, tag, author = _slug(params, "section"), _slug(params, "tag"), _slug(params, "author")
    language = params.get("language")
    if language is not None and not _LANGUAGE.fullmatch(language):
        raise bad_parameter("language", "language is a BCP 47 code such as en, ckb or en-GB.")
    since = _since(params)
    cursor = pagination.read_story_cursor(params["cursor"]) if params.get("cursor") else None

    now = timezone.now()
    # With updated_since the list is a partner's sync: what changed since, killed stories included
    # (as tombstones, so copies can be taken down). Without it: what is live now.
    queryset = queries.story_list(include_killed=since is not None, now=now)
    if section:
        queryset = queryset.filter(section__slug=section, section__is_active=True)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if author:
        queryset = queryset.filter(
            pk__in=ArticleCredit.objects.filter(editor__slug=author, editor__is_active=True).values(
                "article_id"
            )
        )
    if language:
        queryset = queryset.filter(language=normalise_language(language))
    if since is not None:
        queryset = queries.changed_since(queryset, since)
    if cursor is not None:
        queryset = queries.after(queryset, *cursor)
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = [ninjs.item(article, full=False) for article in rows]
    next_cursor = pagination.story_cursor(rows[-1].api_published, rows[-1].pk) if more else None
    return _page(request, params, items, next_cursor)


@endpoint(scope=Scope.STORIES)
def story(request, pk):
    _params(request, ())
    if not re.fullmatch(r"[1-9][0-9]{0,18}", pk) or int(pk) > pagination.MAX_ID:
        raise ApiError(404, "not_found", "No such story.")
    article = queries.story_detail(int(pk)).first()
    if article is None:
        raise ApiError(404, "not_found", "No such story.")
    if article.status == Status.KILLED:
        return Result({"item": ninjs.tombstone(article)}, status=410)
    return {
        "item": ninjs.story_item(article, full=True),
        "corrections": ninjs.corrections(article),
        "versions": ninjs.versions(article),
    }


@endpoint(scope=Scope.SECTIONS)
def sections(request):
    _params(request, ())
    items = [
        {
            "id": s.pk,
            "name": s.name,
            "slug": s.slug,
            "description": s.description,
            "uri": ninjs.link(s.get_absolute_url()),
            "stories": ninjs.link(reverse("api:stories") + "?" + urlencode({"section": s.slug})),
        }
        for s in Section.objects.filter(is_active=True).order_by("position", "name", "id")
    ]
    return {"items": items}


@endpoint(scope=Scope.AUTHORS)
def authors(request):
    params = _params(request, AUTHOR_PARAMS)
    limit = _limit(params)
    queryset = Editor.objects.filter(is_active=True).order_by("id")
    if params.get("cursor"):
        queryset = queryset.filter(pk__gt=pagination.read_author_cursor(params["cursor"]))
    rows = list(queryset.only("display_name", "slug", "job_title", "bio", "photo")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for e in rows:
        author = {
            "id": e.pk,
            "name": e.display_name,
            "slug": e.slug,
            "job_title": e.job_title,
            "bio": e.bio,
            "uri": ninjs.link(e.get_absolute_url()),
            "stories": ninjs.link(reverse("api:stories") + "?" + urlencode({"author": e.slug})),
        }
        if e.photo:
            author["photo"] = ninjs.link(e.photo.url)
        items.append(author)
    return _page(request, params, items, pagination.author_cursor(rows[-1].pk) if more else None)


@endpoint(scope=None)
def not_found(request, rest=""):
    raise ApiError(404, "not_found", "No such API endpoint; see /api/v1/openapi.json.")
