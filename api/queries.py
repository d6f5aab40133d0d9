"""The API's reads: what may be shown is ``Article.objects.published()`` (the site's rule: status,
publish time, embargo, expiry), plus killed stories as tombstones. Everything an item needs comes in
the story's own row (section, image, source joined; credits, tags, corrections, renditions and
versions as arrays in the same query), so a page costs one query whatever its size."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Greatest, JSONObject
from django.utils import timezone

from articles.models import Article, ArticleCredit, Revision, Status
from articles.querysets import modified_time_expr, newest_first, published_time_expr


def changed_time_expr():
    """When a partner's copy went stale: the readers' modified time (corrections, republication, wire
    updates: ``modified_time_expr()``), or a later edit of the live story that readers were not told
    about (a typo fixed: ``modified_at``), or the kill. ``versioncreated`` and ``updated_since``."""
    return Greatest(modified_time_expr(), F("modified_at"))


def _credit_list():
    """``api_credits``: the credits in order, each with its staff profile's name and slug when it has one."""
    return ArraySubquery(
        ArticleCredit.objects.filter(article=OuterRef("pk"))
        .order_by("position", "id")
        .values(
            json=JSONObject(
                role="role",
                name="name",
                editor_name="editor__display_name",
                editor_slug="editor__slug",
                editor_active="editor__is_active",
            )
        )
    )


def _version_list():
    """``api_versions``: the story's revisions saved while it was published: number, the story's
    version number then (``snapshot.version``), time."""
    return ArraySubquery(
        Revision.objects.filter(article=OuterRef("pk"), status=Status.PUBLISHED)
        .order_by("number")
        .values(json=JSONObject(number="number", version=KT("snapshot__version"), created_at="created_at"))
    )


def _base(queryset):
    return (
        queryset.select_related("section", "lead_image", "source")
        .annotate(
            api_published=published_time_expr(),
            api_changed=changed_time_expr(),
            api_credits=_credit_list(),
        )
        .with_tag_list()
        .with_renditions()
    )


def visible(now=None):
    """Live stories, and killed ones (shown as tombstones)."""
    from articles.workflow import desk_state_condition

    return Article.objects.filter(
        desk_state_condition("live", now or timezone.now()) | Q(status=Status.KILLED)
    )


def story_list(*, include_killed: bool, now=None):
    """A page of ``/stories``: live stories (and with ``include_killed`` the killed ones), newest first,
    without their bodies."""
    now = now or timezone.now()
    queryset = visible(now) if include_killed else Article.objects.published(now)
    return (
        _base(queryset)
        .defer("body", "editor_note", "withdrawn_reason", "search_vector", "search_head")
        .with_correction_list()
        .order_by(*newest_first())
    )


def story_detail(pk: int, now=None):
    """One story, live or killed, with everything its item shows: one query."""
    return (
        _base(visible(now).filter(pk=pk))
        .defer("editor_note", "withdrawn_reason", "search_vector", "search_head")
        .with_correction_list()
        .annotate(api_versions=_version_list())
    )


def after(queryset, published, pk):
    """Keyset pagination: the stories after (``published``, ``pk``) in newest-first order. The first
    condition is the one the (status, publication time) index answers; the second breaks ties."""
    return queryset.filter(Q(api_published__lte=published), Q(api_published__lt=published) | Q(pk__lt=pk))


def changed_since(queryset, since):
    return queryset.filter(api_changed__gte=since)
