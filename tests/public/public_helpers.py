"""Shared data for the public-site tests: one story in every state a reader must never see."""

from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Image, ImageRendition
from tests.factories import ArticleFactory, CorrectionFactory, TagFactory

HIDDEN_MARK = "Zanzibarite"  # a word only hidden stories contain, so search can look for it


def hidden_stories(section, tag=None, editor=None):
    """A draft, an in-review, an unpublished, a killed, a scheduled, an embargoed and an expired story,
    each in ``section`` (and tagged ``tag``, credited to ``editor``), each with a correction."""
    from tests.factories import CreditFactory

    now = timezone.now()
    tag = tag or TagFactory(name="Hidden tag", slug="hidden-tag")
    kinds = {
        "draft": {"status": "draft", "publish_at": now - timedelta(hours=1)},
        "in_review": {"status": "in_review", "publish_at": now - timedelta(hours=1)},
        "unpublished": {"status": "unpublished", "publish_at": now - timedelta(hours=1)},
        "killed": {"status": "killed", "publish_at": now - timedelta(hours=1)},
        "scheduled": {"status": "published", "publish_at": now + timedelta(hours=2)},
        "embargoed": {
            "status": "published",
            "publish_at": now - timedelta(hours=1),
            "embargo_until": now + timedelta(hours=3),
        },
        "expired": {
            "status": "published",
            "publish_at": now - timedelta(days=2),
            "expire_at": now - timedelta(minutes=5),
        },
    }
    stories = {}
    for name, fields in kinds.items():
        story = ArticleFactory(
            section=section,
            headline=f"Hidden {name} story {HIDDEN_MARK}",
            slug=f"hidden-{name}",
            standfirst=f"{HIDDEN_MARK} standfirst",
            body=f"<p>{HIDDEN_MARK} body for the {name} story.</p>",
            **fields,
        )
        story.tags.add(tag)
        if editor is not None:
            CreditFactory(article=story, editor=editor, name="")
        CorrectionFactory(article=story, text=f"Correction to the hidden {name} story {HIDDEN_MARK}.")
        stories[name] = story
    return stories


def png_bytes(width, height, color=(30, 90, 140)):
    buffer = BytesIO()
    image = PILImage.new("RGB", (width, height), color)
    for x in range(0, width, 40):  # a little structure, so it does not look like a blank box
        for y in range(height // 2, height):
            image.putpixel((x, y), (240, 200, 60))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_with_renditions(widths=(480, 960), alt="Workers on the dam wall at Dukan", **fields):
    name = default_storage.save("images/dam.png", ContentFile(png_bytes(1200, 800)))
    image = Image(
        alt_text=alt, caption=fields.pop("caption", "The Dukan dam in spring."), file=name, **fields
    )
    image.credit = image.credit or "Shilan Aziz"
    image.width, image.height = 1200, 800
    image.save()
    for width in widths:
        for fmt in ("jpeg", "webp"):
            path = default_storage.save(
                f"renditions/dam-{width}.{fmt}", ContentFile(png_bytes(width, width * 2 // 3))
            )
            ImageRendition.objects.create(
                image=image, width=width, height=width * 2 // 3, format=fmt, file=path
            )
    return image
