"""The OpenAPI 3.1 description of the API, served at ``/api/v1/openapi.json``.

Written by hand next to the views it describes; ``tests/api/test_openapi.py`` checks it with
openapi-spec-validator, that its paths are the URL patterns, and every answer against its schemas.
"""

from __future__ import annotations

from django.conf import settings

from api.ninjs import SCHEMA_URI

_STRING = {"type": "string"}
_TIME = {"type": "string", "format": "date-time"}
_URI = {"type": "string", "format": "uri"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


_RATE_HEADERS = {
    "X-RateLimit-Limit": {
        "description": "Requests a minute this key may make.",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Remaining": {"description": "Requests left this minute.", "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "Seconds until the minute ends.", "schema": {"type": "integer"}},
}
_COMMON_ERRORS = {
    "304": {"description": "Not modified: the ETag sent in If-None-Match is still current."},
    "400": _error("A parameter is wrong (the error names it)."),
    "401": _error("No API key, an unknown key or a revoked one."),
    "403": _error("The key's scopes do not include this resource."),
    "429": _error("Over the key's rate limit; Retry-After says when to try again."),
}


def _parameter(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_LIMIT = _parameter(
    "limit", "Items per page (default 20).", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
)
_CURSOR = _parameter("cursor", "The next_cursor of the previous page (opaque).", _STRING)


def _ok(schema: str, description: str) -> dict:
    ok = _json(_ref(schema), description)
    ok["headers"] = {
        "ETag": {"description": "A strong validator: send it back as If-None-Match.", "schema": _STRING},
        **_RATE_HEADERS,
    }
    return ok


def _named(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required}


def _pair(*names: str) -> dict:
    return {
        "type": "array",
        "items": {"type": "object", "properties": dict.fromkeys(names, _STRING), "required": ["value"]},
    }


NINJS_ITEM = {
    "type": "object",
    "description": (
        "An IPTC ninjs 2.1 item; it validates against " + SCHEMA_URI + ". The properties this API "
        "writes are listed; see docs/api.md for what each carries."
    ),
    "externalDocs": {"url": "https://iptc.org/standards/ninjs/"},
    "required": ["uri", "type", "version", "pubstatus"],
    "properties": {
        "uri": _URI,
        "standard": _named({"name": _STRING, "version": _STRING, "schema": _URI}, ["name", "version"]),
        "type": {"enum": ["text", "picture"]},
        "representationtype": {"enum": ["full", "partial"]},
        "profile": _STRING,
        "version": _STRING,
        "firstcreated": _TIME,
        "versioncreated": _TIME,
        "expires": _TIME,
        "pubstatus": {"enum": ["usable", "canceled"]},
        "language": _STRING,
        "slugline": _STRING,
        "urgency": {"type": "number"},
        "copyrightnotice": _STRING,
        "headlines": _pair("role", "contenttype", "value"),
        "descriptions": _pair("role", "contenttype", "value"),
        "bodies": _pair("role", "contenttype", "value"),
        "by": _STRING,
        "located": _STRING,
        "people": {
            "type": "array",
            "items": _named({"name": _STRING, "rel": _STRING, "uri": _URI}, ["name", "rel"]),
        },
        "subjects": {
            "type": "array",
            "items": _named({"name": _STRING, "rel": _STRING, "literal": _STRING, "uri": _URI}, ["name"]),
        },
        "infosources": {"type": "array", "items": _named({"name": _STRING, "literal": _STRING}, ["name"])},
        "renditions": {
            "type": "array",
            "items": _named(
                {
                    "name": _STRING,
                    "href": _URI,
                    "contenttype": _STRING,
                    "title": _STRING,
                    "width": {"type": "number"},
                    "height": {"type": "number"},
                },
                ["name", "href"],
            ),
        },
        "associations": {"type": "array", "items": _ref("NinjsItem")},
        "name": _STRING,
    },
}

SCHEMAS = {
    "NinjsItem": NINJS_ITEM,
    "Error": _named(
        {
            "error": _named(
                {"status": {"type": "integer"}, "code": _STRING, "message": _STRING, "parameter": _STRING},
                ["status", "code", "message"],
            )
        },
        ["error"],
    ),
    "StoryPage": _named(
        {
            "items": {"type": "array", "items": _ref("NinjsItem")},
            "next": {"type": ["string", "null"], "format": "uri"},
            "next_cursor": {"type": ["string", "null"]},
        },
        ["items", "next", "next_cursor"],
    ),
    "Story": _named(
        {
            "item": _ref("NinjsItem"),
            "corrections": {
                "type": "array",
                "items": _named(
                    {
                        "kind": {"enum": ["correction", "clarification", "update", "editors_note"]},
                        "text": _STRING,
                        "created": _TIME,
                    },
                    ["kind", "text", "created"],
                ),
            },
            "versions": {
                "type": "array",
                "items": _named({"version": _STRING, "versioncreated": _TIME}, ["version", "versioncreated"]),
            },
        },
        ["item"],
    ),
    "Tombstone": _named({"item": _ref("NinjsItem")}, ["item"]),
    "SectionList": _named(
        {
            "items": {
                "type": "array",
                "items": _named(
                    {
                        "id": {"type": "integer"},
                        "name": _STRING,
                        "slug": _STRING,
                        "description": _STRING,
                        "uri": _URI,
                        "stories": _URI,
                    },
                    ["id", "name", "slug", "uri", "stories"],
                ),
            }
        },
        ["items"],
    ),
    "AuthorPage": _named(
        {
            "items": {
                "type": "array",
                "items": _named(
                    {
                        "id": {"type": "integer"},
                        "name": _STRING,
                        "slug": _STRING,
                        "job_title": _STRING,
                        "bio": _STRING,
                        "uri": _URI,
                        "photo": _URI,
                        "stories": _URI,
                    },
                    ["id", "name", "slug", "uri", "stories"],
                ),
            },
            "next": {"type": ["string", "null"], "format": "uri"},
            "next_cursor": {"type": ["string", "null"]},
        },
        ["items", "next", "next_cursor"],
    ),
    "Index": _named(
        {"stories": _URI, "sections": _URI, "authors": _URI, "openapi": _URI, "standard": {"type": "object"}},
        ["stories", "sections", "authors", "openapi"],
    ),
}

PATHS = {
    "/": {
        "get": {
            "operationId": "index",
            "summary": "Where everything is",
            "security": [],
            "responses": {"200": _json(_ref("Index"), "The API's resources.")},
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This description",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")},
        }
    },
    "/stories": {
        "get": {
            "operationId": "listStories",
            "summary": "Live stories, newest first (by the publication time readers see, then id)",
            "description": (
                "Items are partial (no body). With updated_since: every story changed since then, "
                "killed ones included as pubstatus canceled tombstones, for a partner's sync."
            ),
            "parameters": [
                _LIMIT,
                _CURSOR,
                _parameter("section", "A section's slug.", _STRING),
                _parameter("tag", "A tag's slug.", _STRING),
                _parameter("author", "An author's slug (a staff profile).", _STRING),
                _parameter("language", "A BCP 47 language code.", _STRING),
                _parameter("updated_since", "An RFC 3339 time with its zone.", _TIME),
            ],
            "responses": {"200": _ok("StoryPage", "A page of stories."), **_COMMON_ERRORS},
        }
    },
    "/stories/{id}": {
        "get": {
            "operationId": "getStory",
            "summary": "One story: body, credits, subjects, renditions, corrections and versions",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {
                "200": _ok("Story", "The story."),
                **_COMMON_ERRORS,
                "404": _error("No such story, or not public (a draft, scheduled, embargoed, unpublished)."),
                "410": _json(_ref("Tombstone"), "Killed: a pubstatus canceled tombstone; take copies down."),
            },
        }
    },
    "/sections": {
        "get": {
            "operationId": "listSections",
            "summary": "The site's sections, in navigation order",
            "responses": {"200": _ok("SectionList", "The sections."), **_COMMON_ERRORS},
        }
    },
    "/authors": {
        "get": {
            "operationId": "listAuthors",
            "summary": "Staff profiles with a public author page",
            "parameters": [_LIMIT, _CURSOR],
            "responses": {"200": _ok("AuthorPage", "A page of authors."), **_COMMON_ERRORS},
        }
    },
}


def description() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_NAME} content API",
            "version": "1.0.0",
            "summary": "Read-only: the public stories as IPTC ninjs 2.1 items.",
            "description": 'See docs/api.md. Every answer is JSON; errors are {"error": {...}}.',
        },
        "servers": [{"url": settings.SITE_URL + "/api/v1"}],
        "security": [{"bearer": []}, {"apiKeyHeader": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer KEY"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            },
        },
    }
