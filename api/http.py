"""What every API answer shares: JSON, errors as JSON, the key and its scope, the rate limit, ETag and
304, Cache-Control, CORS. A view returns a dict (or raises ``ApiError``); ``endpoint`` does the rest."""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from api import keys
from api.conf import setting

JSON_TYPE = "application/json; charset=utf-8"
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
EXPOSED_HEADERS = "ETag, Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
ALLOWED_HEADERS = "Authorization, X-Api-Key, If-None-Match"


class ApiError(Exception):
    """An answer other than 200, as JSON: ``{"error": {"status", "code", "message"[, "parameter"]}}``."""

    def __init__(self, status: int, code: str, message: str, *, parameter: str | None = None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.headers = headers or {}

    def body(self) -> dict:
        error = {"status": self.status, "code": self.code, "message": self.message}
        if self.parameter:
            error["parameter"] = self.parameter
        return {"error": error}


def bad_parameter(parameter: str, message: str) -> ApiError:
    return ApiError(400, "bad_request", message, parameter=parameter)


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type=JSON_TYPE)


def error_response(error: ApiError) -> HttpResponse:
    response = json_response(error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def _cors(request, response) -> None:
    """Access-Control-* only for an origin the API_CORS_ALLOWED_ORIGINS setting names (none by default)."""
    allowed = setting("API_CORS_ALLOWED_ORIGINS") or ()
    origin = request.headers.get("Origin")
    if not allowed:
        return
    patch_vary_headers(response, ["Origin"])
    if not origin or ("*" not in allowed and origin not in allowed):
        return
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS


def _preflight(request) -> HttpResponse:
    response = HttpResponse(status=204)
    _cors(request, response)
    if "Access-Control-Allow-Origin" in response:
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Max-Age"] = "3600"
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def _rate_headers(response, state: keys.RateState) -> None:
    response["X-RateLimit-Limit"] = str(state.limit)
    response["X-RateLimit-Remaining"] = str(max(state.remaining, 0))
    response["X-RateLimit-Reset"] = str(state.reset)


def endpoint(scope: str | None):
    """Wrap an API view. ``scope``: what the key must allow (``api.models.Scope``); None: no key needed
    (the index and the OpenAPI description)."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return _preflight(request)
            rate = None
            try:
                if request.method not in ("GET", "HEAD"):
                    raise ApiError(
                        405,
                        "method_not_allowed",
                        "The API is read-only: GET, HEAD or OPTIONS.",
                        headers={"Allow": ", ".join(ALLOWED_METHODS)},
                    )
                if scope is not None:
                    key = keys.authenticate(keys.raw_key_from(request))
                    if isinstance(key, keys.Refusal):
                        raise ApiError(
                            key.status,
                            key.code,
                            key.message,
                            headers={"WWW-Authenticate": 'Bearer realm="api"'},
                        )
                    if scope not in key.scopes:
                        raise ApiError(403, "forbidden", f"This API key may not read {scope}.")
                    rate = keys.count_request(key)
                    if rate.exceeded:
                        raise ApiError(
                            429,
                            "rate_limited",
                            f"More than {rate.limit} requests this minute; try again in {rate.reset} s.",
                            headers={"Retry-After": str(rate.reset)},
                        )
                    keys.touch(key)
                result = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error)
            else:
                response = _ok(request, result)
            if rate is not None:
                _rate_headers(response, rate)
            patch_vary_headers(response, ["Authorization", "X-Api-Key"])
            _cors(request, response)
            return response

        return wrapper

    return decorate


class Result:
    """A view's answer other than a plain 200 dict: a status (410 for a tombstone) and headers."""

    def __init__(self, data, *, status: int = 200, headers=None):
        self.data = data
        self.status = status
        self.headers = headers or {}


def _ok(request, result) -> HttpResponse:
    if not isinstance(result, Result):
        result = Result(result)
    content = dumps(result.data)
    response = HttpResponse(content, status=result.status, content_type=JSON_TYPE)
    for name, value in result.headers.items():
        response[name] = value
    response["ETag"] = _etag(content)
    response["Cache-Control"] = f"private, max-age={int(setting('API_MAX_AGE'))}"
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if conditional is not response:
        for name in ("Cache-Control", "Link"):
            if name in response:
                conditional[name] = response[name]
        return conditional
    return response
