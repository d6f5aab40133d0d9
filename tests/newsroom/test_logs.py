"""Request ids and JSON logs (newsroom/logs.py)."""

import json
import logging
import urllib.request
from urllib.error import HTTPError

import pytest

from newsroom.logs import JsonFormatter, current_request_id, logging_config
from tests.servers import gunicorn_server


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("req-42.a:b=c+d/e", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("two words", False),
        ("line\r\nX-Forged: 1", False),
        ("", False),
        ("é", False),
    ],
)
def test_a_sane_request_id_is_echoed_and_any_other_replaced(client, given, kept):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID=given)
    if kept:
        assert response["X-Request-ID"] == given
    else:
        assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"] != given
        int(response["X-Request-ID"], 16)


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_the_json_formatter_writes_one_object_a_line_with_the_request_id():
    record = logging.LogRecord("newsroom.test", logging.ERROR, __file__, 1, "failed %s", ("twice",), None)
    record.status_code = 503
    token = current_request_id.set("rid-1")
    try:
        from newsroom.logs import RequestIdFilter

        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "failed twice"
    assert (data["level"], data["logger"], data["request_id"], data["status_code"]) == (
        "ERROR",
        "newsroom.test",
        "rid-1",
        503,
    )
    assert "ValueError: boom" in data["exception"]
    assert data["time"].endswith("+00:00")


def test_log_format_is_checked():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        logging_config("xml", "INFO")


@pytest.mark.django_db(transaction=True)
def test_gunicorn_writes_json_lines_carrying_the_request_id():
    with gunicorn_server(LOG_FORMAT="json", LOG_LEVEL="WARNING") as server:
        request = urllib.request.Request(server.base + "/no-such-page/", headers={"X-Request-ID": "probe-42"})
        with pytest.raises(HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
        assert error.value.code == 404
        assert error.value.headers["X-Request-ID"] == "probe-42"
        log = server.log_text()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    found = [r for r in records if r["request_id"] == "probe-42"]
    assert found, log[-2000:]
    assert found[0]["status_code"] == 404 and found[0]["path"] == "/no-such-page/"
    assert found[0]["level"] == "WARNING" and found[0]["logger"] == "django.request"
