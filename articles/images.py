"""Image uploads and their renditions (Pillow).

``validate_upload`` refuses what is not a picture, what is too big in bytes and what is too big in
pixels (a decompression bomb: a small file that would expand to gigabytes in memory, judged from the
header before anything is decoded), each with a message a person can act on. ``save_image`` stores
the original and makes the renditions: each width in ``IMAGE_RENDITION_WIDTHS`` no wider than the
original, in WebP and JPEG, for ``srcset``.

Every upload is hostile (a GIF that is also an HTML page, a photo that carries its GPS position):
``stored_original`` keeps only what makes the picture (see ``articles.imagefiles``) under a random
name with the extension of the format Pillow found, never the uploader's name or extension.
Renditions are named by a hash of their own content: a new picture gets new names (so they can be
cached for ever), and no rendition name leads to the original's.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from articles import imagefiles, signals
from articles.models import Article, Image, ImageRendition
from articles.permissions import ArticlePermissions
from articles.services import audit, refusals_audited

# Pillow's format name -> the extension a stored file gets.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ALLOWED_FORMATS = set(EXTENSIONS)
# A rendition's name: a hash of its bytes and its width (see make_renditions).
FULL_SIZE = "newsroom_full_size"  # where _open leaves the size in the header
CONTENT_ADDRESSED = re.compile(r"renditions/(?:[^/]+/)*[0-9a-f]{32}-\d+\.(?:webp|jpg)")


class ImageRejected(ValueError):
    pass


class TooLargeToDecode(ValueError):
    """More pixels than a worker decodes at once (``IMAGE_MAX_DECODE_PIXELS``)."""


def _max_pixels() -> int:
    return settings.IMAGE_MAX_PIXELS


def _max_decoded_pixels() -> int:
    return settings.IMAGE_MAX_DECODE_PIXELS


def _open(data, *, draft: int | None = None):
    """Open and decode within the pixel budget, checked from the header before any pixel is decoded:
    Pillow's bomb check at our limit (a warning, between 1x and 2x the limit, is an error too), and
    every frame of an animation counted. A JPEG is decoded at the smallest scale that still leaves it
    twice as wide as ``draft`` pixels (its decoder scales by 1/2, 1/4, 1/8 for a fraction of the memory
    and time; twice, as Pillow's ``thumbnail`` does, so that the resize after it keeps its quality).
    What is decoded at once is bounded too (``IMAGE_MAX_DECODE_PIXELS``, four bytes a pixel): a PNG,
    WebP or GIF has no reduced scale, so one larger than that is refused before it is decoded."""
    previous = PILImage.MAX_IMAGE_PIXELS
    PILImage.MAX_IMAGE_PIXELS = _max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(data)
            if image.width * image.height * getattr(image, "n_frames", 1) > _max_pixels():
                raise PILImage.DecompressionBombError("the frames together are over the pixel budget")
            full_size = image.size
            if draft and image.format == "JPEG":
                image.draft("RGB", _draft_box(image, 2 * draft))
            # The size draft left is what load() makes. (A JPEG turned upright at full size, the one
            # caller without a draft, stays within IMAGE_MAX_PIXELS only: turning needs every pixel.)
            if (draft or image.format != "JPEG") and image.width * image.height > _max_decoded_pixels():
                raise TooLargeToDecode(f"{image.format} of {full_size[0]}x{full_size[1]}")
            image.load()
            image.info[FULL_SIZE] = full_size  # a draft decodes fewer pixels than the picture has
            return image
    finally:
        PILImage.MAX_IMAGE_PIXELS = previous


def _turned(image: PILImage.Image) -> bool:
    """Whether the EXIF orientation swaps the picture's width and height."""
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def _draft_box(image: PILImage.Image, width: int) -> tuple[int, int]:
    """The size, in the file's own axes, of the picture ``width`` pixels wide once upright."""
    across, down = (image.height, image.width) if _turned(image) else image.size
    box = (width, -(-width * down // across))
    return (box[1], box[0]) if _turned(image) else box


def validate_upload(upload) -> tuple[int, int, str]:
    """Check an uploaded file; returns (width, height, format). Raises ImageRejected."""
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ImageRejected(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
        )
    upload.seek(0)
    try:
        image = _open(upload, draft=1)  # a JPEG: every coefficient read, an eighth of the pixels made
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageRejected(
            f"The picture is too large in pixels (more than {_max_pixels():,}); it could exhaust the server's "
            "memory. Resize it before uploading."
        ) from None
    except TooLargeToDecode:
        raise ImageRejected(
            f"The picture is too large in pixels for a PNG, WebP or GIF (more than {_max_decoded_pixels():,}): "
            "save it as JPEG, or resize it before uploading."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected("This file is not a picture we can read (JPEG, PNG, WebP or GIF).") from None
    finally:
        upload.seek(0)
    if image.format not in ALLOWED_FORMATS:
        raise ImageRejected(f"{image.format} files are not accepted; use JPEG, PNG, WebP or GIF.")
    width, height = image.info[FULL_SIZE]
    return width, height, image.format


def stored_original(upload) -> ContentFile:
    """The file to store for an upload: validated, its metadata gone (EXIF with GPS position and
    camera, XMP, IPTC, comments, bytes after the end of the image; the colour profile stays, the
    EXIF orientation is applied first), under a random name with the detected format's extension."""
    _, _, fmt = validate_upload(upload)  # the format detected from these bytes
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        clean = imagefiles.without_metadata(data, fmt)
    except imagefiles.NeedsDecoding:
        clean = imagefiles.reencoded(_open(io.BytesIO(data)))
    return ContentFile(clean, name=f"{uuid.uuid4().hex}.{EXTENSIONS[fmt]}")


def content_addressed(name: str) -> bool:
    """Whether a stored file's name changes whenever its content does (a rendition made here)."""
    return CONTENT_ADDRESSED.fullmatch(name) is not None


def _encode(image: PILImage.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def _rendition_source(image: Image, largest: int) -> tuple[PILImage.Image, int, int]:
    """The stored original decoded for renditions no wider than ``largest``, upright, in RGB(A); and
    its full upright size. A JPEG is decoded at a reduced scale; any other picture more than twice as
    wide as ``largest`` is shrunk by a whole factor (``reduce``: a box filter, cheap) before the
    renditions' resizes, so that the full-size copy is dropped as early as possible."""
    with image.file.open("rb") as f:
        source = _open(f, draft=largest)
        full_width, full_height = source.info[FULL_SIZE]
        if _turned(source):
            full_width, full_height = full_height, full_width
        ImageOps.exif_transpose(source, in_place=True)
    if source.mode not in ("RGB", "RGBA"):
        source = source.convert("RGBA" if "A" in source.getbands() or source.mode == "P" else "RGB")
    factor = source.width // (2 * largest)
    if factor >= 2:
        source = source.reduce(factor)
    return source, full_width, full_height


def _save_rendition(rendition: ImageRendition, data: bytes, ext: str) -> None:
    """Store under a name made from the content: the same bytes are the same file."""
    name = rendition.file.field.generate_filename(
        rendition, f"{hashlib.sha256(data).hexdigest()[:32]}-{rendition.width}.{ext}"
    )
    if rendition.file.storage.exists(name):
        rendition.file.name = name
    else:
        rendition.file.save(name.rsplit("/", 1)[-1], ContentFile(data), save=False)
    rendition.save()


def make_renditions(image: Image) -> list[ImageRendition]:
    """(Re)make the renditions of a stored Image."""
    image.renditions.all().delete()
    configured = settings.IMAGE_RENDITION_WIDTHS
    source, full_width, full_height = _rendition_source(image, max(configured))
    widths = sorted({w for w in configured if w < full_width} | {min(full_width, max(configured))})
    made = []
    for width in widths:
        height = max(1, round(full_height * width / full_width))
        resized = (
            source
            if source.size == (width, height)
            else source.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for fmt in (ImageRendition.Format.WEBP, ImageRendition.Format.JPEG):
            rendition = ImageRendition(image=image, width=width, height=height, format=fmt)
            _save_rendition(
                rendition, _encode(resized, fmt), "webp" if fmt == ImageRendition.Format.WEBP else "jpg"
            )
            made.append(rendition)
    return made


def _check_change(image: Image, user) -> None:
    """Who may change a stored image is decided on the row as stored (not as the form left it):
    ``ArticlePermissions.can_change_image`` (a story that is or was public leads with it: publish
    rights)."""
    stored = Image.objects.select_for_update().get(pk=image.pk)
    ArticlePermissions(user).require_change_image(stored)


@refusals_audited
@transaction.atomic
def update_image(image: Image, *, user=None) -> Image:
    """Save a change to an Image's words (caption, credit, alt text, focal point) without a new file:
    no new renditions; the published stories that lead with it are audited and purged."""
    _check_change(image, user)
    if not (image.alt_text or "").strip():
        raise ImageRejected("Describe the picture in the alt text: it is required.")
    image.save()
    image_changed(image, user=user)
    return image


@refusals_audited
@transaction.atomic
def save_image(image: Image, *, user=None) -> Image:
    """Validate, store and render an Image whose fields a form has set (file, alt text, ...): a new
    upload, or a new file for a stored image (then ``image_changed`` audits and purges its stories)."""
    if image.pk is None:
        allowed = ArticlePermissions(user)
        allowed.require(allowed.can_upload_image(), "upload an image", "articles.add_image")
    else:
        _check_change(image, user)
    if not (image.alt_text or "").strip():
        raise ImageRejected("Describe the picture in the alt text: it is required.")
    # FieldFile._committed is Django's flag for a file not yet saved to storage; django-stubs omit it.
    if hasattr(image.file, "file") and hasattr(image.file.file, "read") and not image.file._committed:  # type: ignore[attr-defined]
        image.file = stored_original(image.file.file)
    if user is not None and user.is_authenticated and image.uploaded_by_id is None:
        image.uploaded_by = user
    changed = image.pk is not None
    image.save()
    make_renditions(image)
    if changed:
        image_changed(image, user=user)
    return image


def image_changed(image: Image, *, user=None) -> list[Article]:
    """An Image was edited: each published story that leads with it changed too. Audits it on those
    stories and, after commit, sends ``article_changed`` for them (the page cache purges)."""
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
