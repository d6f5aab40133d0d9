"""newsroom/gunicorn.py, as gunicorn itself reads it (``gunicorn -c python:newsroom.gunicorn``)."""

import os
import subprocess
import sys

from tests.servers import ROOT


def printed_config(**environ: str) -> dict[str, str]:
    command = [sys.executable, "-m", "gunicorn", "--print-config", "-c", "python:newsroom.gunicorn"]
    done = subprocess.run(
        [*command, "newsroom.wsgi:application"],
        env={**os.environ, **environ},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in done.stdout.splitlines())}


def test_graceful_shutdown_and_workers_from_the_environment():
    config = printed_config(GUNICORN_GRACEFUL_TIMEOUT="12", WEB_CONCURRENCY="3")
    assert config["graceful_timeout"] == "12"
    assert config["workers"] == "3"
    assert config["bind"] == "['0.0.0.0:8000']"
    assert "%({x-request-id}o)s" in config["access_log_format"]


def test_defaults():
    config = printed_config()
    assert (config["graceful_timeout"], config["timeout"], config["workers"]) == ("30", "30", "2")
