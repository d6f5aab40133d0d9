"""Image uploads and their renditions (Pillow).

``validate_upload`` refuses what is not a picture, what is too big in bytes and what is too big in
pixels (a decompression bomb: a small file that would expand to gigabytes in memory), each with a
message a person can act on. ``save_image`` stores the original and makes the renditions: each width
in ``IMAGE_RENDITION_WIDTHS`` no wider than the original, in WebP and JPEG, for ``srcset``.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from articles import signals
from articles.models import Article, Image, ImageRendition

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRejected(ValueError):
    pass


def _max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", 50_000_000)


def _open(data):
    """Open with Pillow's bomb check at our limit; a warning (between 1x and 2x the limit) is an error too."""
    previous = PILImage.MAX_IMAGE_PIXELS
    PILImage.MAX_IMAGE_PIXELS = _max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(data)
            image.load()
            return image
    finally:
        PILImage.MAX_IMAGE_PIXELS = previous


def validate_upload(upload) -> tuple[int, int, str]:
    """Check an uploaded file; returns (width, height, format). Raises ImageRejected."""
    limit = getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ImageRejected(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
        )
    upload.seek(0)
    try:
        image = _open(upload)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageRejected(
            f"The picture is too large in pixels (more than {_max_pixels():,}); it could exhaust the server's "
            "memory. Resize it before uploading."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected("This file is not a picture we can read (JPEG, PNG, WebP or GIF).") from None
    finally:
        upload.seek(0)
    if image.format not in ALLOWED_FORMATS:
        raise ImageRejected(f"{image.format} files are not accepted; use JPEG, PNG, WebP or GIF.")
    return image.width, image.height, image.format


def _encode(image: PILImage.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def make_renditions(image: Image) -> list[ImageRendition]:
    """(Re)make the renditions of a stored Image."""
    image.renditions.all().delete()
    with image.file.open("rb") as f:
        source = ImageOps.exif_transpose(_open(f))
    if source.mode not in ("RGB", "RGBA"):
        source = source.convert("RGBA" if "A" in source.getbands() or source.mode == "P" else "RGB")
    widths = sorted(
        {w for w in getattr(settings, "IMAGE_RENDITION_WIDTHS", [480, 960, 1600]) if w < source.width}
        | {min(source.width, max(getattr(settings, "IMAGE_RENDITION_WIDTHS", [1600])))}
    )
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    made = []
    for width in widths:
        height = max(1, round(source.height * width / source.width))
        resized = (
            source if width == source.width else source.resize((width, height), PILImage.Resampling.LANCZOS)
        )
        for fmt in (ImageRendition.Format.WEBP, ImageRendition.Format.JPEG):
            rendition = ImageRendition(image=image, width=width, height=height, format=fmt)
            ext = "webp" if fmt == ImageRendition.Format.WEBP else "jpg"
            rendition.file.save(f"{stem}-{width}.{ext}", ContentFile(_encode(resized, fmt)), save=False)
            rendition.save()
            made.append(rendition)
    return made


@transaction.atomic
def update_image(image: Image, *, user=None) -> Image:
    """Save a change to an Image's words (caption, credit, alt text, focal point) without a new file:
    no new renditions; the published stories that lead with it are audited and purged."""
    if not (image.alt_text or "").strip():
        raise ImageRejected("Describe the picture in the alt text: it is required.")
    image.save()
    image_changed(image, user=user)
    return image


@transaction.atomic
def save_image(image: Image, *, user=None) -> Image:
    """Validate, store and render an Image whose fields a form has set (file, alt text, ...)."""
    if not (image.alt_text or "").strip():
        raise ImageRejected("Describe the picture in the alt text: it is required.")
    if hasattr(image.file, "file") and hasattr(image.file.file, "read") and not image.file._committed:
        validate_upload(image.file.file)
    if user is not None and user.is_authenticated and image.uploaded_by_id is None:
        image.uploaded_by = user
    image.save()
    make_renditions(image)
    return image


def image_changed(image: Image, *, user=None) -> list[Article]:
    """An Image was edited: each published story that leads with it changed too. Audits it on those
    stories and, after commit, sends ``article_changed`` for them (the page cache purges)."""
    from articles.services import audit

    stories = list(Article.objects.filter(lead_image=image, status=Article.Status.PUBLISHED))
    for article in stories:
        audit(
            article,
            "lead_image_changed",
            user=user,
            from_status=article.status,
            to_status=article.status,
            message=f"Lead image {image.pk} edited",
        )
        signals.after_commit(signals.article_changed, article)
    return stories
