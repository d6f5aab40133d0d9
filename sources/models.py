"""Where copy comes from, and everything it ever sent us.

``WireItem`` is the ingest log: each version received is kept whole, so that
nothing received is ever lost and any version can be compared with another.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    """An IANA time zone name (``Europe/Berlin``), as the zoneinfo database knows it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not an IANA time zone name (e.g. Europe/Berlin, Asia/Baghdad, UTC).",
            params={"value": value},
            code="invalid_time_zone",
        ) from None


class Source(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", "News agency"
        BROADCASTER = "broadcaster", "Broadcaster"
        NEWSPAPER = "newspaper", "Newspaper"
        FEED = "feed", "Feed"
        OWN = "own", "Own reporting"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32, unique=True, help_text="Short code, e.g. AFP.")
    slug = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.AGENCY)
    credit_line = models.CharField(max_length=200, blank=True, help_text="Default credit, e.g. 'AFP'.")
    language = models.CharField(max_length=16, default="en", help_text="Default language of its copy.")
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA time zone in which its copy gives times that name no zone, e.g. Europe/Berlin "
        "for dpa, Australia/Sydney for AAP (docs/wire-formats.md).",
    )
    usage_terms = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="source_code_required")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def zone(self) -> ZoneInfo:
        """``time_zone`` as a zone (UTC if the stored name is not one: never fails an import)."""
        try:
            return ZoneInfo(self.time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


class WireItem(models.Model):
    class Format(models.TextChoices):
        TEXT = "text", "Plain text"
        NITF = "nitf", "NITF"
        NEWSML_G2 = "newsml-g2", "NewsML-G2"
        NINJS = "ninjs", "ninjs"
        RSS = "rss", "RSS"
        ATOM = "atom", "Atom"
        ANPA = "anpa", "ANPA-1312"
        IPTC7901 = "iptc7901", "IPTC 7901"

    class Outcome(models.TextChoices):
        CREATED = "created", "Created the story"
        UPDATED = "updated", "Updated the story"
        WAITING = "waiting", "Waiting for an editor"
        WITHDRAWN = "withdrawn", "Withdrew the story"
        STALE = "stale", "Older than the story; ignored"
        ACCEPTED = "accepted", "Accepted by an editor"
        REJECTED = "rejected", "Rejected by an editor"
        CONFLICT = "conflict", "Same version number as one received, other content; kept, not applied"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="wire_items")
    guid = models.CharField(max_length=500)
    version = models.PositiveBigIntegerField(default=1)
    version_at = models.DateTimeField(null=True, blank=True)
    format = models.CharField(max_length=16, choices=Format.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    filename = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, db_index=True)
    raw_payload = models.TextField()
    parsed = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.CREATED)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="wire_items"
    )
    # The article's ``version`` right after this item was applied (kept for the revisions; a
    # publish also bumps it, so it does not tell whether an editor changed the text).
    article_version = models.PositiveIntegerField(null=True, blank=True)
    # A checksum of the article's wire-fed fields right after this item was applied
    # (``sources.ingest.mapping.article_wire_checksum``): if the article's differs when the next version
    # arrives, an editor changed the story and that version waits for them. Empty: not applied.
    article_checksum = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # One row per content of a version: the same content again is "unchanged" and never
            # stored twice, while an agency re-sending a version number with other content (a
            # "conflict") or a cancel under an old number is still kept (nothing received is lost).
            models.UniqueConstraint(
                fields=["source", "guid", "version", "checksum"], name="wireitem_unique_version_content"
            ),
            models.CheckConstraint(condition=~Q(guid=""), name="wireitem_guid_required"),
        ]
        indexes = [models.Index(fields=["source", "guid", "-version"], name="wireitem_latest_idx")]
        permissions = [
            ("import_wire", "Can import wire copy"),
            ("triage_wire", "Can accept or reject wire updates"),
        ]

    def __str__(self):
        return f"{self.source.code} {self.guid} v{self.version}"


class ImportedFile(models.Model):
    """A file whose bytes were imported completely: every story in it is held by a stored WireItem.

    ``import_wire`` looks a batch of files up here by the SHA-256 of their raw bytes (one query)
    before parsing them: a file found, with the same source, format and parser code, and all its
    ``wire_items`` still there, is "unchanged" for all its ``stories`` without being parsed. A file
    of which any story failed is never recorded, so it is processed again in full next time."""

    sha256 = models.CharField(max_length=64)
    # The --source the file was imported with; null: the agency named in the file decided.
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=16)  # as WireItem.format (no choices here: formats get added)
    # A fingerprint of the parsers' code (``sources.wire.registry.parser_fingerprint``): a parser
    # change may read the same bytes differently, so the file is read again.
    parser = models.CharField(max_length=16)
    stories = models.PositiveIntegerField()
    # The WireItem holding each story (the one with its content); checked when the file is found.
    wire_items = ArrayField(models.BigIntegerField(), default=list)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sha256", "source", "format", "parser"],
                nulls_distinct=False,
                name="importedfile_unique_bytes",
            ),
        ]

    def __str__(self):
        return f"{self.sha256[:12]} ({self.format}, {self.stories} stories)"
