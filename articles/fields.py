"""The groups of Article fields, each stated once.

Read by the services (what an edit may write, what is sanitised, what is a schedule change), the
revisions (what a snapshot holds, what a restore brings back) and the wire import
(``sources.ingest.mapping``: what an agency version feeds). A new Article field is added to the
groups it belongs to here, and nowhere else.
"""

from __future__ import annotations

# What an edit may write on an existing story (the desk's form, the API, a test): its copy,
# placement and schedule. Everything else (status, version, lock, wire flags, withdrawal, first
# publication, preview nonce) is written only by the service that owns it.
EDITABLE_FIELDS = (
    "headline",
    "slug",
    "kicker",
    "standfirst",
    "body",
    "dateline_place",
    "dateline_outlet",
    "language",
    "section",
    "translation_of",
    "lead_image",
    "publish_at",
    "updated_at",
    "embargo_until",
    "expire_at",
    "seo_title",
    "seo_description",
    "urgency",
    "copyright",
    "editor_note",
)

# Changing when a story is (or was) public is publishing (``ArticlePermissions.can_reschedule``),
# audited as a reschedule.
SCHEDULE_FIELDS = ("publish_at", "embargo_until", "expire_at", "updated_at")

# Stored as plain text (markup dropped) and as sanitised HTML (``articles.sanitize``).
PLAIN_TEXT_FIELDS = ("headline", "kicker", "standfirst", "dateline_place", "dateline_outlet", "seo_title")
HTML_FIELDS = ("body",)

# A revision's snapshot: every field that makes the story (with its credits, tags and version).
SNAPSHOT_FIELDS = (
    "headline",
    "slug",
    "kicker",
    "standfirst",
    "body",
    "dateline_place",
    "dateline_outlet",
    "language",
    "section_id",
    "status",
    "publish_at",
    "updated_at",
    "embargo_until",
    "expire_at",
    "lead_image_id",
    "seo_title",
    "seo_description",
    "urgency",
    "copyright",
    "editor_note",
)

# What restoring a revision brings back (with the slug when it had one, section, lead image, credits
# and tags): the text and placement; the status and publication times stay as they are.
RESTORED_FIELDS = (
    "headline",
    "kicker",
    "standfirst",
    "body",
    "dateline_place",
    "dateline_outlet",
    "language",
    "seo_title",
    "seo_description",
    "urgency",
    "copyright",
    "editor_note",
)

# The article fields an agency version writes: an editor changing any of them (not a workflow step
# such as publishing, which bumps ``Article.version`` too) makes the next agency version wait
# (``sources.ingest.mapping.article_wire_checksum``).
WIRE_FED_FIELDS = (
    "headline",
    "kicker",
    "standfirst",
    "body",
    "dateline_place",
    "dateline_outlet",
    "language",
)
