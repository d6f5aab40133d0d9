"""Stories and what hangs off them.

Status changes go through ``articles.services``; nothing here flips a status.
"Published" is defined once, in ``ArticleQuerySet.published()``.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.languages import LANGUAGE_CHOICES, text_direction
from articles.querysets import ArticleQuerySet, newest_first, published_time_expr


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the navigation.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:section", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:tag", kwargs={"slug": self.slug})


class Image(models.Model):
    file = models.ImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=200, blank=True)
    alt_text = models.CharField(
        max_length=300, help_text="What the picture shows, for readers who cannot see it."
    )
    focal_x = models.FloatField(default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)])
    focal_y = models.FloatField(default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)])
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_in_frame",
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="image_alt_text_required"),
        ]

    def __str__(self):
        return self.caption[:60] or self.alt_text[:60] or self.file.name


class ImageRendition(models.Model):
    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8, choices=Format.choices)
    file = models.ImageField(upload_to="renditions/%Y/%m/")

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(fields=["image", "width", "format"], name="rendition_unique_size_format")
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}w {self.format}"


class Status(models.TextChoices):
    """A story's status and its label: the one vocabulary (``workflow``'s constants are these values;
    what the desk calls a story at a given time, scheduled or live..., is ``workflow.DeskState``)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")
    KILLED = "killed", _("Killed")


def _plain(field):
    """The text of an HTML field, tags replaced by spaces (immutable, so usable in a generated column)."""
    return Func(
        F(field),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def _search_vector(config):
    return (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector(_plain("body"), weight="C", config=config)
    )


def _search_head(config):
    """Headline (A) and standfirst (B) only: a few hundred bytes kept in the row, where the full vector
    (about 4 KB) is TOASTed. Search finds its candidates and ranks them on this one."""
    return SearchVector("headline", weight="A", config=config) + SearchVector(
        "standfirst", weight="B", config=config
    )


def workflow_rules():
    """``articles.workflow``, which imports this module's vocabulary (``Status``)."""
    from articles import workflow

    return workflow


def new_preview_nonce() -> str:
    return secrets.token_urlsafe(9)


class Article(models.Model):
    Status = Status

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, allow_unicode=True, blank=True)
    kicker = models.CharField(max_length=200, blank=True, help_text="A short label above the headline.")
    standfirst = models.TextField(blank=True, help_text="The summary under the headline.")
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    dateline_place = models.CharField(max_length=200, blank=True, help_text="e.g. ERBIL, Kurdistan Region")
    dateline_outlet = models.CharField(max_length=200, blank=True, help_text="e.g. Kurdistan 24")
    language = models.CharField(max_length=16, default="en", choices=LANGUAGE_CHOICES)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations"
    )

    # Wire identity: (source, wire_guid) is unique, so an update can never become a duplicate.
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    wire_guid = models.CharField(max_length=500, blank=True)
    wire_update_waiting = models.BooleanField(default=False, db_index=True)
    urgency = models.PositiveSmallIntegerField(null=True, blank=True)
    copyright = models.CharField(max_length=300, blank=True)
    editor_note = models.TextField(blank=True, help_text="Internal; never shown to readers.")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True, help_text="A future time makes it scheduled.")
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Shown to readers as 'Updated'.")
    embargo_until = models.DateTimeField(null=True, blank=True, help_text="Nothing public before this.")
    expire_at = models.DateTimeField(null=True, blank=True, help_text="Leaves the public site at this time.")
    withdrawn_reason = models.TextField(blank=True)
    # Signed into share-preview links together with the pk: a new nonce revokes every link shared so far.
    preview_nonce = models.CharField(max_length=24, default=new_preview_nonce, editable=False)

    lead_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead_of"
    )
    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)

    # Concurrency: ``version`` is bumped by every save through the services (optimistic check);
    # the lock tells a second person who is editing.
    version = models.PositiveIntegerField(default=1)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified_at = models.DateTimeField(default=timezone.now)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    search_vector = models.GeneratedField(
        expression=Case(
            When(Q(language="en") | Q(language__startswith="en-"), then=_search_vector("english")),
            default=_search_vector("simple"),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_head = models.GeneratedField(
        expression=Case(
            When(Q(language="en") | Q(language__startswith="en-"), then=_search_head("english")),
            default=_search_head("simple"),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = newest_first()
        indexes = [
            # Listings, feeds and sitemaps filter and order on the publication time (querysets.py).
            models.Index(F("status"), published_time_expr().desc(), name="article_status_published_idx"),
            models.Index(F("section"), published_time_expr().desc(), name="article_section_published_idx"),
            # The sitemaps (the page count and lastmod of every live story, and each page of 5,000
            # newest first) from the index alone: an index-only scan of a few MB instead of reading
            # the whole table (docs/performance.md).
            models.Index(
                published_time_expr().desc(),
                F("id").desc(),
                include=["publish_at", "embargo_until", "expire_at", "modified_at", "updated_at", "slug"],
                condition=Q(status="published"),
                name="article_live_cover_idx",
            ),
            # The desk's change list orders by (modified_at DESC, id DESC): its pages, deep ones too,
            # are index scans (docs/performance.md).
            models.Index(fields=["-modified_at", "-id"], name="article_modified_id_idx"),
            models.Index(fields=["language"], name="article_language_idx"),
            models.Index(fields=["status", "-modified_at", "-id"], name="article_status_modified_id_idx"),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            GinIndex(fields=["search_head"], name="article_search_head_idx"),
            GinIndex(fields=["headline"], opclasses=["gin_trgm_ops"], name="article_headline_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_publish_at",
            ),
            models.UniqueConstraint(
                fields=["source", "wire_guid"],
                condition=~Q(wire_guid=""),
                name="article_unique_wire_identity",
            ),
            models.CheckConstraint(condition=~Q(headline=""), name="article_headline_required"),
            models.CheckConstraint(condition=Q(version__gte=1), name="article_version_positive"),
        ]
        permissions = [
            ("submit_article", "Can submit a story for review"),
            ("edit_any_article", "Can edit anyone's story"),
            ("publish_article", "Can publish, schedule and unpublish"),
            ("correct_article", "Can add corrections"),
            ("kill_article", "Can kill a story"),
            ("unlock_article", "Can force-unlock a story"),
            ("view_audit", "Can view the audit log"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("public:story", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    @property
    def direction(self):
        return text_direction(self.language)

    @property
    def published_time(self):
        """The story's publication time for readers (page, structured data, Open Graph, feeds, news
        sitemap): when it became visible, its publish time or its embargo's end, whichever is later
        (``workflow.visible_from``; ``querysets.published_time_expr()`` in SQL). None before a publish
        time is set. ``first_published_at`` is the desk's record, never shown to readers."""
        return workflow_rules().visible_from(self.publish_at, self.embargo_until)

    @property
    def modified_time(self):
        """When readers were last told it changed (``updated_at``), never before ``published_time``
        (``querysets.modified_time_expr()`` in SQL)."""
        published = self.published_time
        if published is None or self.updated_at is None:
            return published or self.updated_at
        return max(published, self.updated_at)

    def desk_state(self, now=None) -> str:
        """``workflow.desk_state`` for this story at ``now``: live exactly when ``published()`` would
        return it."""
        return workflow_rules().desk_state(
            self.status, self.publish_at, self.embargo_until, self.expire_at, now or timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.desk_state() == "scheduled"

    @property
    def is_embargoed(self):
        """An embargo in force (whatever the status: a draft may carry one)."""
        return workflow_rules().embargo_in_force(self.embargo_until, timezone.now())

    @property
    def dateline(self):
        if self.dateline_place and self.dateline_outlet:
            return f"{self.dateline_place} ({self.dateline_outlet})"
        return self.dateline_place or self.dateline_outlet


class CreditRole(models.TextChoices):
    WRITER = "writer", "Writing"
    REPORTING = "reporting", "Reporting"
    EDITING = "editing", "Editing"
    TRANSLATION = "translation", "Translation"
    PHOTO = "photo", "Photo"
    ADDITIONAL = "additional", "Additional reporting"


class ArticleCredit(models.Model):
    """One ordered credit: a staff member (``editor``) or a free-text name, with a role."""

    Role = CreditRole

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=16, choices=CreditRole.choices, default=CreditRole.WRITER)
    editor = models.ForeignKey(
        "editors.Editor", null=True, blank=True, on_delete=models.PROTECT, related_name="credits"
    )
    name = models.CharField(max_length=200, blank=True, help_text="For someone without a staff profile.")

    class Meta:
        ordering = ["article", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(editor__isnull=False) | ~Q(name=""), name="credit_has_person_or_name"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.display_name}"

    @property
    def display_name(self):
        return self.editor.display_name if self.editor_id else self.name  # type: ignore[union-attr]  # editor_id set: editor is too


class Revision(models.Model):
    """A full snapshot of a story at a save or a transition; diffable and restorable."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"{self.article_id} r{self.number}"


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor's note"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["-created_at"], name="correction_created_idx")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="correction_text_required")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article_id}"


class AuditEntry(models.Model):
    """Who did what to which story, including refusals and lock overrides."""

    # Each action in words, for the desk (history, the audit log): the workflow moves by their name,
    # and what the services, the scheduler, the wire and sign-in record.
    ACTION_WORDS = {
        "submit": "Submitted for review",
        "return": "Returned to draft",
        "publish": "Published",
        "unschedule": "Unscheduled (back to review)",
        "unpublish": "Unpublished",
        "redraft": "Back to draft",
        "kill": "Killed",
        "went_live": "Went live (its time came)",
        "expired": "Expired (left the site on schedule)",
        "reschedule": "Rescheduled",
        "override_withdrawal": "Published despite the agency's withdrawal",
        "correct": "Correction added",
        "lead_image_changed": "Lead image changed",
        "force_unlock": "Lock taken over",
        "revoke_share_links": "Share links revoked",
        "refused": "Refused (not allowed)",
        "wire_update_waiting": "Agency update waiting for the desk",
        "wire_update_accepted": "Agency update accepted",
        "wire_update_rejected": "Agency update rejected",
        "wire_withdrawn": "Withdrawn by the agency",
        "locked_out": "Sign-in locked out",
        "unlocked": "Sign-in unlocked",
        "2fa_enabled": "Two-factor sign-in set up",
        "2fa_reset": "Two-factor sign-in reset",
    }

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.article_id}"

    @property
    def action_words(self) -> str:
        return self.ACTION_WORDS.get(self.action, self.action.replace("_", " ").capitalize())

    @property
    def status_change(self) -> str:
        """ "In review → Published": the statuses in words ("" when the action moved none)."""
        labels = dict(Status.choices)
        if not self.to_status:
            return str(labels.get(self.from_status, self.from_status))
        return (
            f"{labels.get(self.from_status, self.from_status)} → {labels.get(self.to_status, self.to_status)}"
        )


class SchedulerMark(models.Model):
    """How far a periodic command (``publish_due``) has looked: its watermark, kept in the database so
    that each run handles exactly the stories that became due or expired since the previous one."""

    name = models.CharField(max_length=60, unique=True)
    value = models.DateTimeField()

    def __str__(self):
        return f"{self.name} @ {self.value:%Y-%m-%d %H:%M:%S}"


class RenderedPage(models.Model):
    """A story's public page parts and teaser as the site last rendered them, kept beside the story so
    that a first read in any process costs one indexed query and string assembly instead of the ORM and
    the templates (``public/caching/stored.py`` writes and reads it; the domain never does).

    ``digest`` fingerprints everything they were rendered from (the story's columns, the section, image,
    renditions, source, tag and staff-profile rows it shows, and the site's templates, translations and
    settings); a reader gets these parts only while the same fingerprint, computed from the current rows
    in the same query, still matches, so an edit shows at once. Whether the story may be shown at all
    (published, embargo, expiry, kill) is decided on every read, never stored."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=32)
    # The teaser shows less (no tags, no credits): its own, cheaper fingerprint, checked by listings.
    teaser_digest = models.CharField(max_length=32)
    page = models.JSONField()  # the story page's parts (head, top, bottom...)
    teaser = models.JSONField()
    rendered_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.article_id} rendered {self.rendered_at:%Y-%m-%d %H:%M:%S}"
