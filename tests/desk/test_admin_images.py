"""Image upload in the admin: validation (non-image, oversized, decompression bomb, alt text) and renditions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from articles import images
from articles.models import Image, ImageRendition

pytestmark = pytest.mark.django_db


def picture(width=2000, height=1000, fmt="PNG", name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 80, 40)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def desk(editor_user, media_root):
    client = Client()
    client.force_login(editor_user)
    return client


def upload(client, file, **fields):
    data = {
        "alt_text": "A red square",
        "caption": "Colour",
        "credit": "Staff",
        "focal_x": "0.3",
        "focal_y": "0.6",
        "renditions-TOTAL_FORMS": "0",
        "renditions-INITIAL_FORMS": "0",
        "renditions-MIN_NUM_FORMS": "0",
        "renditions-MAX_NUM_FORMS": "1000",
        **fields,
    }
    if file is not None:
        data["file"] = file
    return client.post(reverse("admin:articles_image_add"), data)


def test_upload_makes_renditions_in_webp_and_jpeg(desk, editor_user):
    response = upload(desk, picture())
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (2000, 1000, editor_user)
    assert (image.focal_x, image.focal_y) == (0.3, 0.6)
    got = sorted(image.renditions.values_list("width", "height", "format"))
    assert got == [
        (480, 240, "jpeg"),
        (480, 240, "webp"),
        (960, 480, "jpeg"),
        (960, 480, "webp"),
        (1600, 800, "jpeg"),
        (1600, 800, "webp"),
    ]
    webp = image.renditions.get(width=960, format="webp")
    with webp.file.open("rb") as f:
        opened = PILImage.open(f)
        assert opened.format == "WEBP" and opened.size == (960, 480)


def test_small_original_is_not_upscaled(desk):
    upload(desk, picture(600, 300))
    widths = set(ImageRendition.objects.values_list("width", flat=True))
    assert widths == {480, 600}


def test_non_image_is_refused_with_a_clear_error(desk):
    fake = SimpleUploadedFile("notes.png", b"this is not a picture at all", content_type="image/png")
    response = upload(desk, fake)
    assert response.status_code == 200
    assert "not a picture we can read" in response.content.decode()
    assert not Image.objects.exists()


def test_oversized_file_is_refused(desk, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    response = upload(desk, picture(400, 400))
    assert "the limit is" in response.content.decode()
    assert not Image.objects.exists()


def test_decompression_bomb_is_refused(desk, settings):
    settings.IMAGE_MAX_PIXELS = 10_000  # a 400x400 picture is then a "bomb" (16x the limit)
    response = upload(desk, picture(400, 400))
    assert "too large in pixels" in response.content.decode()
    assert not Image.objects.exists()


def test_decompression_bomb_warning_zone_is_refused_too(settings):
    settings.IMAGE_MAX_PIXELS = 100_000  # 400x400 = 160,000: between 1x and 2x, Pillow only warns
    with pytest.raises(images.ImageRejected, match="too large in pixels"):
        images.validate_upload(picture(400, 400))


def test_alt_text_is_required(desk):
    response = upload(desk, picture(), alt_text="")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Image.objects.exists()


def test_focal_picker_shown_after_upload(desk):
    upload(desk, picture(800, 400))
    image = Image.objects.get()
    page = desk.get(reverse("admin:articles_image_change", args=[image.pk])).content.decode()
    assert 'class="desk-focal"' in page and "focal.js" in page


# --- who may change an image, and live stories that lead with it ---------------------------------------------


def _edit(client, image, **fields):
    data = {
        "alt_text": image.alt_text,
        "caption": "New caption",
        "credit": image.credit,
        "focal_x": "0.5",
        "focal_y": "0.5",
        "renditions-TOTAL_FORMS": "0",
        "renditions-INITIAL_FORMS": "0",
        "renditions-MIN_NUM_FORMS": "0",
        "renditions-MAX_NUM_FORMS": "1000",
        **fields,
    }
    return client.post(reverse("admin:articles_image_change", args=[image.pk]), data)


def test_reporter_changes_only_own_images(desk, reporter, media_root):
    from tests.conftest import role_user

    assert upload(desk, picture(600, 400)).status_code == 302
    editors_image = Image.objects.get()
    client = Client()
    client.force_login(reporter)
    assert _edit(client, editors_image).status_code == 403
    editors_image.refresh_from_db()
    assert editors_image.caption == "Colour"
    assert upload(client, picture(600, 400)).status_code == 302
    own = Image.objects.exclude(pk=editors_image.pk).get()
    assert own.uploaded_by == reporter
    assert _edit(client, own).status_code == 302
    other_reporter = Client()
    other_reporter.force_login(role_user("Reporter", "reporter2"))
    assert _edit(other_reporter, own).status_code == 403


def test_changing_a_live_lead_image_purges_the_story(desk, editor_user, django_capture_on_commit_callbacks):
    from articles import signals
    from articles.models import AuditEntry
    from tests.factories import ArticleFactory

    assert upload(desk, picture(600, 400)).status_code == 302
    image = Image.objects.get()
    live = ArticleFactory(published=True, lead_image=image)
    ArticleFactory(status="draft", lead_image=image)
    received = []

    def handler(sender, article, **kwargs):
        received.append(article.pk)

    signals.article_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert _edit(desk, image).status_code == 302
    finally:
        signals.article_changed.disconnect(handler)
    assert received == [live.pk]
    assert AuditEntry.objects.filter(article=live, action="lead_image_changed", actor=editor_user).exists()
