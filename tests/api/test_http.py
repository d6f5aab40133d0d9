"""Keys, scopes, the rate limit, validators and caching headers, CORS, and errors: always JSON, never
a 500."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import keys
from api.models import ApiKey, Scope
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/stories", "/api/v1/sections", "/api/v1/authors"]


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"]["code"] == code
    assert response["Cache-Control"] == "no-store"
    return response.json()["error"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_resource_needs_a_valid_key(api, client, path):
    _error(client.get(path), 401, "unauthorized")
    _error(client.get(path, HTTP_AUTHORIZATION="Bearer nr_nonsense"), 401, "unauthorized")
    _error(client.get(path, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401, "unauthorized")
    assert client.get(path).headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert api.get(path).status_code == 200
    assert client.get(path, HTTP_X_API_KEY=api.raw).status_code == 200
    # Never from the query string (it would be logged and leak through Referer).
    assert client.get(path, {"api_key": api.raw}).status_code in (400, 401)


def test_the_key_is_stored_only_as_its_hash(api_key):
    stored = ApiKey.objects.get()
    assert stored.key_hash == hashlib.sha256(api_key.encode()).hexdigest()
    assert api_key not in str(ApiKey.objects.values().get())
    assert api_key.startswith(stored.prefix) and len(stored.prefix) < len(api_key) / 3


def test_a_revoked_key_stops_at_once(api):
    assert api.get("/api/v1/stories").status_code == 200
    keys.revoke(ApiKey.objects.get())
    assert _error(api.get("/api/v1/stories"), 401, "revoked")


def test_scopes_limit_what_a_key_reads(client):
    key, raw = keys.create_key(name="Sections only", scopes=[Scope.SECTIONS])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/sections", **auth).status_code == 200
    _error(client.get("/api/v1/stories", **auth), 403, "forbidden")
    _error(client.get("/api/v1/stories/1", **auth), 403, "forbidden")
    _error(client.get("/api/v1/authors", **auth), 403, "forbidden")


def test_the_rate_limit_is_per_key_and_says_when_to_come_back(client, api):
    key, raw = keys.create_key(name="Tiny", rate_limit=3)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answers = [client.get("/api/v1/sections", **auth) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[-1]["X-RateLimit-Limit"] == "3"
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    _error(answers[-1], 429, "rate_limited")
    # Another key is not affected.
    assert api.get("/api/v1/sections").status_code == 200


def test_the_rate_limit_window_moves_on():
    key, _ = keys.create_key(name="Windows", rate_limit=1)
    start = 1_000_000 * 60.0
    assert not keys.count_request(key, now=start).exceeded
    assert keys.count_request(key, now=start + 30).exceeded
    assert not keys.count_request(key, now=start + 60).exceeded


def test_last_use_is_recorded_without_a_write_per_request(api, django_assert_num_queries):
    assert ApiKey.objects.get().last_used_at is None
    api.get("/api/v1/sections")
    used = ApiKey.objects.get().last_used_at
    assert used is not None and used > timezone.now() - timedelta(minutes=1)
    with django_assert_num_queries(2):  # the key, the sections: no UPDATE within the minute
        api.get("/api/v1/sections")
    cache.delete(f"api:used:{ApiKey.objects.get().pk}")  # the minute passes
    with django_assert_num_queries(3):
        api.get("/api/v1/sections")


def test_etag_and_304_and_cache_control(api, section):
    ArticleFactory(published=True, section=section)
    first = api.get("/api/v1/stories")
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, max-age=60"
    assert "Authorization" in first["Vary"]
    etag = first["ETag"]
    again = api.get("/api/v1/stories", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "private, max-age=60"
    ArticleFactory(published=True, section=section)
    changed = api.get("/api/v1/stories", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cors_is_off_by_default(api):
    response = api.get("/api/v1/stories", HTTP_ORIGIN="https://partner.example")
    assert "Access-Control-Allow-Origin" not in response
    preflight = api.client.options("/api/v1/stories", HTTP_ORIGIN="https://partner.example")
    assert preflight.status_code == 204 and "Access-Control-Allow-Origin" not in preflight


def test_cors_for_the_origins_the_setting_names(api, settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["https://app.example"]
    allowed = api.get("/api/v1/stories", HTTP_ORIGIN="https://app.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    assert "Origin" in allowed["Vary"]
    other = api.get("/api/v1/stories", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    preflight = api.client.options(
        "/api/v1/stories",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight  # keys, never cookies


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"cursor": "nonsense!"}, "cursor"),
        ({"cursor": "czF8eHw1"}, "cursor"),  # base64 of "s1|x|5"
        (
            {"cursor": "czF8MjAyNS0wMS0wMVQwMDowMDowMFp8OTk5OTk5OTk5OTk5OTk5OTk5OQ"},
            "cursor",
        ),  # id past bigint
        ({"cursor": "YTF8NQ"}, "cursor"),  # an author cursor given to stories
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "1000000000000"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2025-13-01T00:00:00Z"}, "updated_since"),
        ({"updated_since": "2025-03-01T09:30:00"}, "updated_since"),  # no zone
        ({"updated_since": "0001-01-01T00:00:00+14:00"}, "updated_since"),  # before year 1 in UTC
        ({"language": "e n"}, "language"),
        ({"section": "a" * 300}, "section"),
        ({"tag": "<script>"}, "tag"),
        ({"sectoin": "world"}, "sectoin"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(api, params, parameter):
    assert _error(api.get("/api/v1/stories", params), 400, "bad_request")["parameter"] == parameter


def test_far_dates_and_huge_ids_are_answers_not_errors(api):
    assert api.get("/api/v1/stories", {"updated_since": "9999-12-31T23:59:59Z"}).json()["items"] == []
    assert api.get("/api/v1/stories", {"updated_since": "0001-01-01T00:00:00Z"}).status_code == 200
    _error(api.get("/api/v1/stories/99999999999999999999999"), 404, "not_found")
    _error(api.get("/api/v1/stories/0"), 404, "not_found")
    _error(api.get("/api/v1/stories/abc"), 404, "not_found")
    _error(api.get("/api/v1/nothing-here"), 404, "not_found")
    _error(api.get("/api/v2/stories"), 404, "not_found")


def test_the_api_is_read_only(api):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api.client, method)("/api/v1/stories", HTTP_AUTHORIZATION=f"Bearer {api.raw}")
        _error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_answers_like_get_without_a_body(api, section):
    ArticleFactory(published=True, section=section)
    head = api.client.head("/api/v1/stories", HTTP_AUTHORIZATION=f"Bearer {api.raw}")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == api.get("/api/v1/stories")["ETag"]


_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(
        ["limit", "cursor", "section", "tag", "author", "language", "updated_since", "page", "x"]
    ),
    value=_text,
    path=st.sampled_from(["/api/v1/stories", "/api/v1/authors", "/api/v1/sections", "/api/v1/stories/1"]),
)
def test_no_parameter_gives_a_500(api, name, value, path):
    response = api.get(path, {name: value})
    assert response.status_code in (200, 400, 404), (name, value, response.content)
    assert response["Content-Type"].startswith("application/json")
