"""The demo newsroom that `make run` loads: once, through import_wire, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Image
from sources.models import WireItem

pytestmark = pytest.mark.django_db


def test_load_demo_twice(settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "created 7" in text and "created 5" in text
    published = Article.objects.published()
    assert published.count() == 12
    assert published.filter(language="ckb").count() == 5
    assert not published.filter(section__isnull=True).exists()
    assert WireItem.objects.count() == 12  # imported through import_wire itself
    assert Image.objects.count() == 4 and all(i.renditions.count() == 6 for i in Image.objects.all())
    logins = (tmp_path / "demo-logins.txt").read_text().splitlines()
    assert len(logins) == 4
    username, password = logins[0].split()[:2]
    assert get_user_model().objects.get(username=username).check_password(password)
    # the Sorani translation of the dam story links to the English original
    sorani = Article.objects.get(
        language="ckb", lead_image__isnull=False, translation_of__isnull=False, section__slug="kurdistan"
    )
    assert sorani.translation_of.language == "en"
    response = client.get(sorani.get_absolute_url())
    assert response.status_code == 200 and 'dir="rtl"' in response.content.decode()

    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "unchanged 7" in again.getvalue() and "unchanged 5" in again.getvalue()
    assert Article.objects.count() == 12 and Image.objects.count() == 4
    assert (tmp_path / "demo-logins.txt").read_text().splitlines() == logins
