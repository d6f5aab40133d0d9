"""The content API's fixtures: a key, a client that sends it, and IPTC's ninjs 2.1 JSON Schema
(a copy under tests/fixtures/schemas/, so the tests pass without ../shared)."""

import json
from urllib.parse import urlsplit

import jsonschema
import pytest

from api import keys
from tests.conftest import FIXTURES

NINJS_SCHEMA = FIXTURES / "schemas" / "ninjs-schema_2.1.json"

_format_checker = jsonschema.Draft202012Validator.FORMAT_CHECKER


@_format_checker.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    """RFC 3986, as far as a partner's parser cares: ASCII, no spaces, a scheme, a host for http(s)."""
    if not isinstance(value, str):
        return True
    if not value.isascii() or any(c.isspace() for c in value) or any(c in value for c in '<>"{}|\\^`'):
        raise ValueError(f"not a URI: {value!r}")
    parts = urlsplit(value)
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.netloc):
        raise ValueError(f"not an absolute URI: {value!r}")
    return True


@pytest.fixture(scope="session")
def ninjs_validator():
    schema = json.loads(NINJS_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator  # the draft the schema's $schema names
    cls.check_schema(schema)
    return cls(schema, format_checker=_format_checker)


@pytest.fixture
def valid_ninjs(ninjs_validator):
    def check(item):
        errors = sorted(ninjs_validator.iter_errors(item), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
        return item

    return check


@pytest.fixture
def api_key(db):
    key, raw = keys.create_key(name="Partner paper")
    return raw


class ApiClient:
    def __init__(self, client, raw):
        self.client = client
        self.raw = raw

    def get(self, path, params=None, *, key=True, **headers):
        if key and self.raw:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.raw}")
        return self.client.get(path, params or {}, **headers)


@pytest.fixture
def api(client, api_key):
    return ApiClient(client, api_key)
