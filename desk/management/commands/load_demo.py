"""Load the demo newsroom once: sections, one staff account per role, a dozen stories in English
and Sorani Kurdish imported through ``import_wire`` itself. A second run changes nothing and prints
the logins again."""

import secrets
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles import services
from articles.models import Article, Section
from editors.models import Editor
from editors.roles import CHIEF_EDITOR, EDITOR, REPORTER, WIRE_EDITOR
from sources.models import Source, WireItem

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
SECTIONS = [
    ("Kurdistan", "kurdistan"),
    ("Middle East", "middle-east"),
    ("World", "world"),
    ("Business", "business"),
    ("Culture", "culture"),
    ("Sport", "sport"),
]
# username, role, display name, job title, bio
STAFF = [
    (
        "reporter",
        REPORTER,
        "Shilan Aziz",
        "Erbil correspondent",
        "Shilan covers water, farming and local government across the Kurdistan Region.",
    ),
    ("editor", EDITOR, "Daniel Brooks", "News editor", "Daniel runs the news desk on weekdays."),
    (
        "wire",
        WIRE_EDITOR,
        "Rebwar Kareem",
        "Wire editor and culture writer",
        "Rebwar triages agency copy and writes about books and music.",
    ),
    ("chief", CHIEF_EDITOR, "Sara Mohammed", "Editor-in-chief", "Sara leads the newsroom."),
]
CONTRIBUTORS = [
    ("Omar Jabbar", "Baghdad correspondent", "Omar reports on Iraqi politics, energy and sport."),
    (
        "Eleni Papadaki",
        "Contributor, Athens",
        "Eleni writes about farming and climate around the Mediterranean.",
    ),
]


# Illustrations drawn here with Pillow (no photographs ship with the demo): palette and alt text.
DEMO_IMAGES = {
    "bastora-dam": (
        ((86, 140, 190), (200, 225, 240)),
        (70, 90, 80),
        (40, 90, 140),
        "Illustration of a dam between green hills, with a full reservoir under a blue sky",
    ),
    "erbil-airport-cargo": (
        ((240, 170, 90), (250, 225, 180)),
        (150, 120, 90),
        (120, 110, 100),
        "Illustration of a plain at sunset under a wide orange sky",
    ),
    "sulaimani-book-fair": (
        ((60, 60, 110), (150, 130, 180)),
        (90, 70, 110),
        (70, 60, 90),
        "Illustration of hills at dusk under a violet sky",
    ),
    "olive-harvest-heat": (
        ((230, 200, 120), (255, 240, 200)),
        (120, 130, 60),
        (150, 140, 80),
        "Illustration of dry olive-green hills under a pale, hot sky",
    ),
}


def demo_image(stem: str):
    """Draw (once) and store an illustration with its renditions, through the images service."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from PIL import ImageDraw

    from articles.images import save_image
    from articles.models import Image

    (sky_top, sky_bottom), hills, water, alt = DEMO_IMAGES[stem]
    existing = Image.objects.filter(alt_text=alt).first()
    if existing:
        return existing
    width, height = 1600, 900
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(sky_top, sky_bottom, strict=True)),
        )
    draw.polygon(
        [(0, 560), (300, 380), (620, 520), (980, 330), (1320, 500), (1600, 420), (1600, 900), (0, 900)],
        fill=hills,
    )
    draw.rectangle([(0, 700), (width, height)], fill=water)
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    image = Image(
        alt_text=alt, caption="Illustration for the demo newsroom.", credit="Newsroom graphics desk"
    )
    image.file.save(f"demo-{stem}.jpg", ContentFile(buffer.getvalue()), save=False)
    image.width, image.height = picture.size
    return save_image(image)


class Command(BaseCommand):
    help = "Load the demo newsroom (idempotent) and print the staff logins."

    def handle(self, *args, **options):
        logins_file = Path(settings.VAR_DIR) / "demo-logins.txt"
        with transaction.atomic():
            for position, (name, slug) in enumerate(SECTIONS):
                Section.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
            logins = self._staff(logins_file)
            for name, title, bio in CONTRIBUTORS:
                Editor.objects.get_or_create(
                    slug=services.make_slug(name),
                    defaults={"display_name": name, "job_title": title, "bio": bio},
                )
            Source.objects.get_or_create(
                code="NR",
                defaults={
                    "name": f"{settings.SITE_NAME} staff",
                    "slug": "nr",
                    "kind": Source.Kind.OWN,
                    "credit_line": settings.SITE_NAME,
                    "time_zone": settings.TIME_ZONE,  # the newsroom's own copy: its own zone
                },
            )
        for language in ("en", "ckb"):
            out = StringIO()
            call_command(
                "import_wire",
                str(DEMO_DIR / language),
                source="NR",
                language=language,
                publish=True,
                stdout=out,
            )
            self.stdout.write(f"Demo stories ({language}): {out.getvalue().strip().splitlines()[-1]}")
        self._place_stories()
        self.stdout.write("")
        self.stdout.write(f"Site:  {settings.SITE_URL}/")
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/  (logins below, also in {logins_file})")
        for line in logins:
            self.stdout.write("  " + line)

    def _staff(self, logins_file: Path) -> list[str]:
        User = get_user_model()
        saved = {}
        if logins_file.exists():
            for line in logins_file.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    saved[parts[0]] = parts[1]
        lines = []
        for username, role, display_name, title, bio in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "first_name": display_name.split()[0],
                    "last_name": display_name.split()[-1],
                    "email": f"{username}@newsroom.example",
                },
            )
            password = saved.get(username)
            if created or not password or not user.check_password(password):
                password = password or secrets.token_urlsafe(9)
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            Editor.objects.get_or_create(
                slug=services.make_slug(display_name),
                defaults={
                    "user": user,
                    "display_name": display_name,
                    "job_title": title,
                    "bio": bio,
                    "languages": ["en", "ckb"],
                },
            )
            lines.append(f"{username:<9} {password:<14} {role} ({display_name})")
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text("\n".join(lines) + "\n")
        logins_file.chmod(0o600)
        return lines

    def _place_stories(self):
        """File names say the section (``section--name.txt``); bylines link to staff profiles;
        publication times are spread over the last day; a Sorani story links to its English original."""
        editors = {e.display_name.casefold(): e.pk for e in Editor.objects.all()}
        sections = {s.slug: s for s in Section.objects.all()}
        items = (
            WireItem.objects.filter(source__code="NR", article__section__isnull=True)
            .select_related("article")
            .order_by("filename")
        )
        now = timezone.now()
        originals = {}
        for index, item in enumerate(items):
            name = Path(item.filename).name
            section_slug, _, stem = name.removesuffix(".txt").partition("--")
            article = item.article
            credits = [
                services.CreditInput(name=c.name, role=c.role, editor_id=editors.get(c.name.casefold()))
                for c in article.credits.all()
            ]
            fields = {
                "section": sections.get(section_slug),
                "publish_at": now - timedelta(hours=2 * index + 1),
            }
            if stem in DEMO_IMAGES:
                fields["lead_image"] = demo_image(stem)
            fields["updated_at"] = fields["publish_at"]
            if article.language == "en":
                originals[stem] = article
            services.update_article(
                article, credits=credits, reason="Demo set-up: section and byline", **fields
            )
        for item in items.model.objects.filter(
            source__code="NR", article__language="ckb", article__translation_of__isnull=True
        ).select_related("article"):
            stem = Path(item.filename).name.removesuffix(".txt").partition("--")[2]
            original = (
                originals.get(stem)
                or Article.objects.filter(
                    language="en", wire_items__filename__endswith=f"--{stem}.txt"
                ).first()
            )
            if original:
                services.update_article(
                    item.article, translation_of=original, reason="Demo set-up: translation"
                )
