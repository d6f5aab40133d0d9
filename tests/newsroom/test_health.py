"""/healthz and /readyz (newsroom/health.py): JSON, never cached, cheap, and answered for a load
balancer that probes by IP address while every other path keeps the Host check."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import SchedulerMark
from articles.services import PUBLISH_DUE_MARK

pytestmark = pytest.mark.django_db

PROBE_HOST = "10.1.2.3:8000"  # not in ALLOWED_HOSTS


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"status": "ok"}


def test_readyz_checks_database_cache_and_storage(client, media_root):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "cache",
        "storage",
        "scheduler",
    }
    assert body["checks"]["scheduler"]["lag_seconds"] is None  # publish_due never ran


def test_probes_by_ip_address_are_answered_but_no_page_is(client):
    assert client.get("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200
    assert client.get("/readyz/", HTTP_HOST=PROBE_HOST).status_code == 200
    assert client.get("/", HTTP_HOST=PROBE_HOST).status_code == 400
    assert client.get("/healthz/../", HTTP_HOST=PROBE_HOST).status_code == 400
    assert client.get("/healthzz", HTTP_HOST=PROBE_HOST).status_code == 400


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301


def test_probes_only_read(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/healthz").status_code == 200


def test_scheduler_lag_fails_readiness_only_when_a_limit_is_set(client, settings):
    SchedulerMark.objects.create(name=PUBLISH_DUE_MARK, value=timezone.now() - timedelta(minutes=10))
    body = json.loads(client.get("/readyz").content)
    assert 595 < body["checks"]["scheduler"]["lag_seconds"] < 700
    assert body["status"] == "ok"
    settings.READYZ_MAX_SCHEDULER_LAG = 120
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["scheduler"]["ok"] is False


def test_storage_that_is_not_a_folder_is_not_ready(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.write_text("a file where the media folder should be")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"]["ok"] is False


def test_a_check_left_out_of_readyz_required_is_reported_but_does_not_fail(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.write_text("not a folder")
    settings.READYZ_REQUIRED = ["database", "cache"]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["storage"]["ok"] is False


def test_storage_not_made_yet_is_ready_when_it_can_be_made(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not" / "yet"
    assert client.get("/readyz").status_code == 200
