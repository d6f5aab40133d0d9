"""/api/v1/openapi.json: a valid OpenAPI 3.1 description (openapi-spec-validator), whose paths are the
API's URL patterns, and whose schemas every answer matches."""

import jsonschema
import pytest
from django.urls import get_resolver
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api import keys
from tests.factories import ArticleFactory, CorrectionFactory, CreditFactory, EditorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")  # no key needed
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def test_the_description_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_its_paths_are_the_api_url_patterns(spec):
    resolver = get_resolver()
    (api_patterns,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api"]
    routes = {
        "/" + str(p.pattern).removeprefix("v1/").replace("<str:pk>", "{id}")
        for p in api_patterns.url_patterns
        if p.name != "not_found"
    }
    assert {"/" if r == "/" else r for r in routes} == set(spec["paths"]) | {"/"}
    assert spec["servers"] == [{"url": "http://127.0.0.1:8000/api/v1"}]


def _validator(spec, name):
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:openapi", resource)
    return jsonschema.Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def test_every_answer_matches_its_schema(spec, client, section, editor_user, chief_editor):
    from articles import services

    raw = keys.create_key(name="Docs")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    story = ArticleFactory(published=True, section=section)
    CreditFactory(article=story, editor=EditorFactory(), name="")
    CorrectionFactory(article=story)
    killed = services.create_article(user=editor_user, headline="Gone", status="published")
    services.transition(killed, "kill", user=chief_editor, reason="Legal")

    checks = [
        ("/api/v1/", "Index", 200),
        ("/api/v1/stories", "StoryPage", 200),
        ("/api/v1/stories?updated_since=2000-01-01T00:00:00Z&limit=1", "StoryPage", 200),
        (f"/api/v1/stories/{story.pk}", "Story", 200),
        (f"/api/v1/stories/{killed.pk}", "Tombstone", 410),
        ("/api/v1/stories/999999", "Error", 404),
        ("/api/v1/stories?limit=0", "Error", 400),
        ("/api/v1/sections", "SectionList", 200),
        ("/api/v1/authors?limit=1", "AuthorPage", 200),
    ]
    for url, schema, status in checks:
        response = client.get(url, **auth)
        assert response.status_code == status, url
        _validator(spec, schema).validate(response.json())
        operation = _operation(spec, url)
        if operation is not None:
            assert str(status) in operation["responses"], url
    unauthorised = client.get("/api/v1/stories")
    _validator(spec, "Error").validate(unauthorised.json())


def _operation(spec, url):
    path = url.split("?")[0].removeprefix("/api/v1")
    if path.startswith("/stories/"):
        path = "/stories/{id}"
    return spec["paths"].get(path, {}).get("get")
