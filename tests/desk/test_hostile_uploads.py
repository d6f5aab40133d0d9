"""A GIF/HTML polyglot named team.html, uploaded through the desk, is stored and served as a GIF."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage

from articles.models import Image
from tests.desk.test_admin_images import upload
from tests.polyglots import SCRIPT, gif_html_polyglot

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(editor_user, media_root):
    client = Client()
    client.force_login(editor_user)
    return client


def test_a_polyglot_named_html_is_stored_as_a_gif_without_its_script(desk, media_root):
    polyglot = SimpleUploadedFile("team.html", gif_html_polyglot(), content_type="text/html")
    assert upload(desk, polyglot).status_code == 302
    image = Image.objects.get()
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.gif", image.file.name), image.file.name
    stored = (media_root / image.file.name).read_bytes()
    assert stored.startswith(b"GIF89a") and b"<script" not in stored and b"pwned" not in stored
    for rendition in image.renditions.all():
        assert "team" not in rendition.file.name

    response = Client().get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == stored


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("team.html", SCRIPT, "not a picture we can read"),
        (
            "photo.png",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "not a picture we can read",
        ),
        ("photo.gif", b"BM" + bytes(60), "not a picture we can read"),
    ],
)
def test_what_is_not_an_allowed_raster_picture_is_refused_in_the_form(desk, name, data, message):
    response = upload(desk, SimpleUploadedFile(name, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Image.objects.exists()


def test_a_tiff_is_refused_by_name_of_its_format(desk):
    out = io.BytesIO()
    PILImage.new("RGB", (40, 40)).save(out, "TIFF")
    response = upload(desk, SimpleUploadedFile("photo.jpg", out.getvalue()))
    assert "TIFF files are not accepted; use JPEG, PNG, WebP or GIF." in response.content.decode()
    assert not Image.objects.exists()
