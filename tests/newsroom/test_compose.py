"""docker-compose.yml is valid Compose without a Docker engine (none runs on these machines, and the
docker client here has no compose plugin): it is checked against the Compose Specification's JSON
schema, which check-jsonschema ships (``--builtin-schema vendor.compose-spec``, no download), and
against what the deployment needs (docs/deployment.md)."""

import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from tests.servers import ROOT

COMPOSE = ROOT / "docker-compose.yml"


def check(path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.fixture(scope="module")
def compose():
    return YAML(typ="safe").load(COMPOSE.read_text())


def test_the_compose_file_is_valid_compose():
    done = check(COMPOSE)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    command: python manage.py publish_due", "    comand: python manage.py publish_due"),
        ('      - "8000:8000"', "      - {published: [8000]}"),
        ("      interval: 10s", "      interval: [10s]"),
    ],
)
def test_the_check_catches_a_broken_file(tmp_path, old, new):
    text = COMPOSE.read_text()
    assert old in text
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace(old, new, 1))
    assert check(broken).returncode != 0


def test_the_stack_has_what_the_deployment_needs(compose):
    services = compose["services"]
    assert {"db", "redis", "web", "worker"} <= set(services)
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, (name, needed)
    web, worker = services["web"], services["worker"]
    assert "python:newsroom.gunicorn" in web["command"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert worker["command"].split()[:4] == ["python", "manage.py", "publish_due", "--every"]
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"


def test_every_variable_the_stack_sets_is_documented(compose):
    readme = (ROOT / "README.md").read_text()
    for name in ("web", "worker"):
        for variable in compose["services"][name]["environment"]:
            assert f"`{variable}`" in readme, (
                f"{variable} ({name}) is not in the README's configuration table"
            )
