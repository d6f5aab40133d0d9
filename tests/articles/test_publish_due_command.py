"""publish_due as make run and docker-compose start it: a loop (--every), and a refusal of a bad interval."""

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import AuditEntry
from tests.factories import ArticleFactory


@pytest.mark.django_db(transaction=True)
def test_every_keeps_announcing_stories_as_they_go_live(settings, tmp_path):
    import os

    from django.db import connection

    story = ArticleFactory(published=True, publish_at=timezone.now() + timedelta(seconds=2))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DEBUG": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "publish_due", "--every", "0.5"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 20
        while (
            time.monotonic() < deadline
            and not AuditEntry.objects.filter(article=story, action="went_live").exists()
        ):
            time.sleep(0.3)
        assert AuditEntry.objects.filter(article=story, action="went_live").exists()
        # The pass's summary follows what its signals set off (the site's purge and rendering).
        while time.monotonic() < deadline and not any("1 went live" in line for line in lines):
            time.sleep(0.1)
        assert process.poll() is None  # still running: a loop, not one pass
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
    assert any("1 went live" in line for line in lines)


def test_every_needs_a_positive_interval(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit) as exit_:
        call_command("publish_due", "--every", "0")
    assert exit_.value.code == 2 and "above 0" in capsys.readouterr().err
