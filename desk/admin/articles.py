"""The editorial desk: the Article change list and change form, history and diffs, images, audit log.

The admin validates input and calls ``articles.services``; it never flips a status itself. A refusal
(PermissionDenied) is a 403 and is audited (after the admin's own transaction has rolled back).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django_prose_editor.fields import ProseEditorFormField

from articles import images, services, workflow
from articles.diff import diff_snapshots
from articles.fields import EDITABLE_FIELDS
from articles.models import (
    Article,
    ArticleCredit,
    AuditEntry,
    Correction,
    Image,
    ImageRendition,
    Revision,
    Section,
    Tag,
)
from articles.permissions import ArticlePermissions
from public import preview

STATUS_COLOURS = {
    "draft": "#6b7280",
    "in_review": "#b45309",
    "published": "#15803d",
    "unpublished": "#7c3aed",
    "killed": "#b91c1c",
    "scheduled": "#0369a1",
    "embargoed": "#be185d",
    "live": "#15803d",
    "expired": "#57534e",
}
STATE_LABELS = dict(workflow.DeskState.choices)  # the labels live beside workflow.desk_state

# The rich-text editor offers only what ``articles.sanitize`` keeps and the public site renders.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "SpecialCharacters": True,
}


class EstimatedCountPaginator(Paginator):
    """The unfiltered change list counts with PostgreSQL's planner estimate once the table is big:
    an exact COUNT(*) over 100,000 stories on every page view is the slowest thing on the screen.
    Filtered lists (indexed filters) are counted exactly."""

    EXACT_BELOW = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.EXACT_BELOW:
                return int(row[0])
        return super().count


class AtLeast(int):
    """A count that stopped counting: an int for the paginator's arithmetic, ``1,000+`` on the page."""

    def __str__(self):
        return f"{int(self):,}+"

    __repr__ = __str__


class DeskPaginator(EstimatedCountPaginator):
    """The desk's change list at any archive size: never a full ``COUNT(*)`` of a filtered list.

    * Unfiltered: PostgreSQL's estimate (``EstimatedCountPaginator``).
    * Filtered or searched: the matching ids are counted up to ``COUNT_CAP`` (and at least one page
      past the page asked for), ``SELECT count(*) FROM (SELECT id ... LIMIT n)``: a few milliseconds
      whatever the filter matches. Past the cap the count is an ``AtLeast`` (shown as "1,000+"), and
      pages beyond it stay reachable (the links reach one page past the current one, so an editor can
      keep paging; a page past the real end is empty, never an error).
    * A deep page (``DEFERRED_FROM`` rows in) reads the page's ids first (an index scan of narrow
      entries) and then only those 50 rows with their joins, instead of building and throwing away
      every skipped row. An index on the ordering, ``(modified_at DESC, id DESC)``, makes the first
      step an index-only scan (docs/caching.md, "The desk").
    """

    COUNT_CAP = 1_000
    DEFERRED_FROM = 500

    def __init__(self, *args, wanted_page=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.wanted_page = wanted_page

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None or not query.where:
            return super().count
        cap = max(self.COUNT_CAP, (self.wanted_page + 1) * self.per_page)
        found = self.object_list.order_by().values("pk")[: cap + 1].count()
        return AtLeast(cap) if found > cap else found

    @property
    def capped(self) -> bool:
        return isinstance(self.count, AtLeast)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        # Past the cap the last page is unknown: any page from 1 on is valid (empty past the end).
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.capped and top + self.orphans >= self.count:
            top = self.count
        if bottom < self.DEFERRED_FROM or not hasattr(self.object_list, "values_list"):
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class DeskChangeList(ChangeList):
    def url_for_result(self, result):
        """Each row's link: one ``reverse()`` a page, not one a row."""
        template = self.__dict__.get("_change_url")
        if template is None:
            template = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=("0",),
                current_app=self.model_admin.admin_site.name,
            )
            self._change_url = template = template if "/0/" in template else ""
        if not template:  # a URL pattern this shortcut does not understand
            return super().url_for_result(result)
        return template.replace("/0/", f"/{admin_quote(result.pk)}/", 1)

    def get_results(self, request):
        super().get_results(request)
        if isinstance(self.result_count, AtLeast):
            self.can_show_all = False  # "all" of a list that was not counted to its end could be anything


def _state(article, now=None):
    return workflow.desk_state(
        article.status, article.publish_at, article.embargo_until, article.expire_at, now or timezone.now()
    )


def _messages(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


# --- inlines ---------------------------------------------------------------------------------------------


class ArticleCreditInline(admin.TabularInline):
    model = ArticleCredit
    extra = 1
    fields = ["position", "role", "editor", "name"]
    autocomplete_fields = ["editor"]


def credit_inputs(formset) -> list[services.CreditInput]:
    """The credits an inline formset holds, in their order (``position``, then as listed): the rows
    a new credit left empty and those marked for deletion are left out."""
    rows = []
    for index, f in enumerate(formset.forms):
        data = getattr(f, "cleaned_data", None) or {}
        if not data or formset._should_delete_form(f) or (f.instance.pk is None and not f.has_changed()):
            continue
        editor = data.get("editor")
        rows.append(
            (
                data.get("position") or 0,
                index,
                services.CreditInput(
                    name=data.get("name") or "",
                    role=data.get("role") or "writer",
                    editor_id=editor.pk if editor else None,
                ),
            )
        )
    return [credit for _, _, credit in sorted(rows, key=lambda row: row[:2])]


class CorrectionInline(admin.TabularInline):
    """Corrections are added here (through ``services.add_correction``), never edited afterwards."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    verbose_name = "correction or note to readers"
    verbose_name_plural = "Corrections and notes to readers (typed and dated, shown on the story)"
    can_delete = False

    def get_extra(self, request, obj=None, **kwargs):
        return 0

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return obj is not None and ArticlePermissions(request.user, obj).can_correct()


# --- the change form -------------------------------------------------------------------------------------


class ArticleAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = ProseEditorFormField(extensions=BODY_EXTENSIONS, required=False)

    class Meta:
        model = Article
        exclude = ["locked_by", "locked_at"]  # the lock is taken by opening the form, never edited

    def __init__(self, *args, **kwargs):
        self.request_user = kwargs.pop("request_user", None)
        super().__init__(*args, **kwargs)
        self.stale_diffs = None
        if self.instance.pk:
            # Without it the stale-save check would be skipped: a change must say what it started from.
            self.fields["expected_version"].required = True
            self.fields["expected_version"].error_messages["required"] = (
                "This form does not say which version of the story it was opened from: reload the story, "
                "then apply your changes again."
            )
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version

    def _yours(self, current: Article) -> dict:
        """The snapshot this editor's form would make, for the stale-save diff."""
        data = services.snapshot(current)
        cleaned = self.cleaned_data
        for name in (
            "headline",
            "kicker",
            "standfirst",
            "dateline_place",
            "dateline_outlet",
            "language",
            "slug",
            "seo_title",
            "seo_description",
            "editor_note",
        ):
            if name in cleaned:
                data[name] = cleaned[name]
        if "body" in cleaned:
            data["body"] = cleaned["body"]
        for name in ("publish_at", "updated_at", "embargo_until", "expire_at"):
            if name in cleaned:
                data[name] = cleaned[name].isoformat() if cleaned[name] else None
        if "section" in cleaned:
            data["section_id"] = cleaned["section"].pk if cleaned["section"] else None
        if "tags" in cleaned:
            data["tags"] = sorted(t.name for t in cleaned["tags"])
        return data

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = Article.objects.select_related("locked_by").get(pk=self.instance.pk)
        if (
            current.status == workflow.PUBLISHED
            and "publish_at" in self.fields
            and cleaned.get("publish_at") is None
            and "publish_at" not in self.errors
        ):
            self.add_error(
                "publish_at",
                ValidationError(
                    "A published story needs a publish time. To take it off the site, use Unpublish.",
                    code="publish_at_required",
                ),
            )
        holder = services.lock_holder(current)
        if self.request_user is not None and holder not in (None, self.request_user):
            raise ValidationError(
                "%(who)s is editing this story (since %(since)s). Your changes were not saved: wait for them to "
                "finish, or ask a chief editor to unlock it.",
                params={
                    "who": holder.get_username(),
                    "since": timezone.localtime(current.locked_at).strftime("%H:%M"),
                },
                code="locked",
            )
        expected = cleaned.get("expected_version")
        if expected is not None and current.version != expected:
            opened = current.revisions.filter(snapshot__version=expected).order_by("-number").first()
            now_snapshot = services.snapshot(current)
            self.stale_diffs = {
                "theirs": [d for d in diff_snapshots(opened.snapshot, now_snapshot) if d.changed]
                if opened
                else None,
                "yours": [d for d in diff_snapshots(now_snapshot, self._yours(current)) if d.changed],
                "by": current.modified_by.get_username()
                if current.modified_by_id
                else "the wire or the system",
                "at": current.modified_at,
            }
            raise ValidationError(
                "Someone else saved this story while you were editing it (version %(current)s; you started "
                "from %(expected)s). Your changes were not saved. Their changes and yours are shown below: "
                "reload the story, then apply yours again.",
                params={"current": current.version, "expected": expected},
                code="stale",
            )
        return cleaned


class DeskActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason",
        help_text="Required to unpublish; kept in the audit log.",
    )


class DeskStateFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return workflow.DeskState.choices

    def queryset(self, request, queryset):
        if self.value() in workflow.DESK_STATES:
            return queryset.filter(workflow.desk_state_condition(self.value(), timezone.now()))
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "my stories"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("created", "Created by me"), ("locked", "Open by me")]

    def queryset(self, request, queryset):
        if self.value() == "created":
            return queryset.filter(created_by=request.user)
        if self.value() == "locked":
            return queryset.filter(locked_by=request.user)
        return queryset


SHAREABLE_STATES = frozenset({"draft", "in_review", "scheduled", "embargoed"})


class ReviewFilter(admin.SimpleListFilter):
    title = "desk queues"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("review", "Waiting for review"),
            ("wire", "Wire updates waiting"),
            ("withdrawn", "Withdrawn by the agency"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status="in_review")
        if self.value() == "wire":
            return queryset.filter(wire_update_waiting=True)
        if self.value() == "withdrawn":  # a kill's reason is the desk's own, not the agency's
            return queryset.exclude(withdrawn_reason="").exclude(status=workflow.KILLED)
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")[:200]
        return [(str(u.pk), u.get_full_name() or u.get_username()) for u in users]

    def queryset(self, request, queryset):
        """An author id from the list; anything else (``?author=abc``, an id past any integer) filters
        nothing out of place: it finds no story, never a 500."""
        value = self.value()
        if not value:
            return queryset
        if not value.isascii() or not value.isdigit() or int(value) > 2**63 - 1:
            return queryset.none()
        return queryset.filter(created_by_id=int(value))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "status_badge",
        "section",
        "source",
        "times",
        "lock_holder",
        "author",
        "modified",
    ]
    list_filter = [DeskStateFilter, ReviewFilter, MineFilter, "section", "language", "source", AuthorFilter]
    list_select_related = ["section", "source", "locked_by", "created_by"]
    search_fields = ["headline", "wire_guid"]
    show_full_result_count = False
    paginator = DeskPaginator
    show_facets = admin.ShowFacets.NEVER  # facet counts are one COUNT per filter option: too slow at 100k
    list_per_page = 50
    ordering = ["-modified_at"]
    autocomplete_fields = ["section", "tags", "lead_image", "translation_of"]
    readonly_fields = [
        "status",
        "version",
        "first_published_at",
        "source",
        "wire_guid",
        "created_at",
        "modified_at",
    ]
    inlines = [ArticleCreditInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    action_form = DeskActionForm
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "standfirst", "body", "expected_version"]}),
        ("Dateline", {"fields": [("dateline_place", "dateline_outlet")]}),
        ("Placement", {"fields": ["section", "tags", "language", "lead_image", "translation_of"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "embargo_until",
                    "expire_at",
                    "updated_at",
                    "first_published_at",
                ]
            },
        ),
        ("Search and sharing", {"classes": ["collapse"], "fields": ["slug", "seo_title", "seo_description"]}),
        (
            "Wire and rights",
            {
                "classes": ["collapse"],
                "fields": [
                    "source",
                    "wire_guid",
                    "urgency",
                    "copyright",
                    "editor_note",
                    "version",
                    "created_at",
                    "modified_at",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["desk/desk.css"]}
        js = ["desk/desk.js"]

    # -- change list ----------------------------------------------------------------------------------

    def action_checkbox(self, obj):
        """The row's checkbox, as Django's own (``CheckboxInput``) writes it but without a template
        render per row (a quarter of the change list's time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        state = _state(obj)
        label = STATE_LABELS.get(state) or state.replace("_", " ").capitalize()
        extra = " · wire update" if obj.wire_update_waiting else ""
        if obj.withdrawn_reason and obj.status != workflow.KILLED:
            extra += " · withdrawn by the agency"
        return format_html(
            '<span class="desk-badge" style="background:{}">{}</span>{}',
            STATUS_COLOURS.get(state, "#444"),
            label,
            extra,
        )

    @admin.display(description="Scheduled / embargo", ordering="publish_at")
    def times(self, obj):
        parts = []
        now = timezone.now()
        if obj.publish_at and (obj.status != "published" or obj.publish_at > now):
            parts.append(format_html("⏱ {}", timezone.localtime(obj.publish_at).strftime("%-d %b %H:%M")))
        if obj.embargo_until and obj.embargo_until > now:
            parts.append(
                format_html(
                    '<span class="desk-embargo">Embargo {}</span>',
                    timezone.localtime(obj.embargo_until).strftime("%-d %b %H:%M"),
                )
            )
        if obj.expire_at:
            parts.append(
                format_html("Expires {}", timezone.localtime(obj.expire_at).strftime("%-d %b %H:%M"))
            )
        return format_html("{}", format_html(" ".join(["{}"] * len(parts)), *parts)) if parts else "—"

    @admin.display(description="Author", ordering="created_by")
    def author(self, obj):
        return obj.created_by.get_username() if obj.created_by_id else "wire"

    @admin.display(description="Modified", ordering="modified_at")
    def modified(self, obj):
        return timezone.localtime(obj.modified_at).strftime("%-d %b %H:%M")

    @admin.display(description="Open by")
    def lock_holder(self, obj):
        holder = services.lock_holder(obj)
        if holder is None:
            return "—"
        return format_html(
            "🔒 {} since {}", holder.get_username(), timezone.localtime(obj.locked_at).strftime("%H:%M")
        )

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            wanted = max(1, int(request.GET.get("p", 1)))
        except ValueError:
            wanted = 1
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, wanted_page=wanted)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match and match.url_name == "articles_article_changelist":
            # The list shows a few short columns: leave the body and the search vector in the table.
            queryset = queryset.defer("body", "search_vector", "search_head", "editor_note", "standfirst")
        return queryset

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [ArticleCreditInline]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)  # bypasses the services: no audit, no purge
        allowed = ArticlePermissions(request.user)
        if not allowed.can_publish():
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        if not allowed.can_submit():
            actions.pop("submit_selected", None)
        return actions

    # -- permissions ------------------------------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_view()

    def has_add_permission(self, request):
        return ArticlePermissions(request.user).can_create()

    def has_change_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_edit()

    def has_delete_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_delete()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **kw):
                kw["request_user"] = request.user
                super().__init__(*args, **kw)

        return WithUser

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied as exc:
            # The admin's transaction has rolled back by now: this row stays.
            article = Article.objects.filter(pk=object_id).first() if object_id else None
            services.record_refusal(
                exc, article=article, user=request.user, action="edit" if object_id else "create a story"
            )
            raise

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is None:
            return super().change_view(request, object_id, form_url, extra_context)
        context = dict(extra_context or {})
        user = request.user
        allowed = ArticlePermissions(user, article)
        can_edit = allowed.can_edit()
        if request.method == "GET" and can_edit:
            context["lock_taken"] = services.acquire_lock(article, user)
        holder = services.lock_holder(article)
        state = _state(article)
        context.update(
            {
                "desk": {
                    "state": state,
                    "state_label": STATE_LABELS.get(state) or state.replace("_", " ").capitalize(),
                    "state_colour": STATUS_COLOURS.get(state, "#444"),
                    "holder": holder if holder and holder != user else None,
                    "locked_at": article.locked_at,
                    "mine": holder == user,
                    "can_unlock": allowed.can_unlock(),
                    # a workflow button submits the edit form: the edits are saved first, then the move
                    "moves_save_first": can_edit,
                    "transitions": self._transitions_for(user, article),
                    "embargo_until": article.embargo_until if article.is_embargoed else None,
                    "withdrawn_reason": article.withdrawn_reason if article.status != workflow.KILLED else "",
                    # "Scheduled" only for a story that is published with a time ahead; an in-review
                    # story with a future time is not scheduled until someone publishes it
                    "scheduled_for": article.publish_at if state == "scheduled" else None,
                    "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
                    # a share preview is for a story readers cannot see yet: not for a live, killed,
                    # unpublished or agency-withdrawn one
                    "share_url": request.build_absolute_uri(preview.share_url(article))
                    if allowed.can_share() and state in SHAREABLE_STATES and not article.withdrawn_reason
                    else None,
                    "revoke_url": reverse("admin:articles_article_revoke_share", args=[article.pk]),
                    "share_hours": settings.PREVIEW_MAX_AGE // 3600,
                    "heartbeat_url": reverse("admin:articles_article_heartbeat", args=[article.pk]),
                    "heartbeat_seconds": settings.ARTICLE_LOCK_HEARTBEAT,
                    "release_url": reverse("admin:articles_article_release", args=[article.pk]),
                    "history_url": reverse("admin:articles_article_history", args=[article.pk]),
                    "public_url": article.get_absolute_url() if state == "live" else None,
                }
            }
        )
        return super().change_view(request, object_id, form_url, context)

    @staticmethod
    def _transitions_for(user, article):
        moves = []
        for move in ArticlePermissions(user, article).transitions():
            label = move.label
            if move.name == "publish" and article.publish_at and article.publish_at > timezone.now():
                label = f"Schedule for {timezone.localtime(article.publish_at):%-d %b %H:%M}"
            override = move.target == workflow.PUBLISHED and bool(article.withdrawn_reason)
            moves.append(
                {
                    "name": move.name,
                    "label": label,
                    "danger": move.name == "kill",
                    "reason": move.name in services.REASON_REQUIRED,
                    "override": override,
                }
            )
        return moves

    def save_model(self, request, obj, form, change):
        """Nothing is written here: the whole edit (fields, credits, tags, revision, audit) is one
        service call, made by ``save_related`` once the inline formsets are known."""

    def save_formset(self, request, form, formset, change):
        """Corrections are added through ``services.add_correction`` (never edited afterwards);
        credits were written by the edit's service call (``save_related``)."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not Correction:
            return []
        for f in formset.forms:
            if f.instance.pk is None and f.has_changed() and f.cleaned_data and f.cleaned_data.get("text"):
                formset.new_objects.append(
                    services.add_correction(
                        form.instance,
                        kind=f.cleaned_data["kind"],
                        text=f.cleaned_data["text"],
                        user=request.user,
                    )
                )
        return formset.new_objects

    def save_related(self, request, form, formsets, change):
        """The edit, whole, through the service: ``services.edit_article`` for a change,
        ``services.create_article`` for a new story; then the corrections typed on the form."""
        fields = {name: form.cleaned_data[name] for name in form.fields if name in EDITABLE_FIELDS}
        credits = next((credit_inputs(f) for f in formsets if f.model is ArticleCredit), None)
        tags = list(form.cleaned_data["tags"]) if "tags" in form.fields else None
        try:
            if change:
                saved = services.edit_article(
                    form.instance,
                    user=request.user,
                    fields=fields,
                    credits=credits,
                    tags=tags,
                    expected_version=form.cleaned_data.get("expected_version"),
                )
            else:
                saved = services.create_article(
                    user=request.user, credits=credits or (), tags=tags or (), **fields
                )
        except (services.StaleVersion, services.LockedByOther) as exc:  # a race after clean()
            raise PermissionDenied(str(exc)) from exc
        form.instance.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})
        form.instance._state.adding = False
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if "_continue" not in request.POST and "_transition" not in request.POST:
            services.release_lock(form.instance, request.user)

    def response_change(self, request, obj):
        """A workflow button on the edit form submits the form: the edits were just saved (through the
        form's validation, the stale-version check and the lock), and only then is the move made, on the
        version just saved. An invalid form never gets here: it comes back with the edits kept."""
        name = request.POST.get("_transition")
        if not name:
            return super().response_change(request, obj)
        try:
            self._move(
                request,
                obj,
                name,
                reason=request.POST.get(f"reason_{name}", ""),
                expected=str(obj.version),
                override=request.POST.get(f"override_{name}") == "1",
            )
        except PermissionDenied as exc:  # audited by the service; the saved edits stay saved
            self.message_user(request, f"Your changes were saved, but not the move: {exc}", messages.ERROR)
        return HttpResponseRedirect(self._change_url(obj))

    # -- extra screens -----------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                view(self.transition_view),
                name="articles_article_transition",
            ),
            path("<int:pk>/heartbeat/", view(self.heartbeat_view), name="articles_article_heartbeat"),
            path("<int:pk>/release/", view(self.release_view), name="articles_article_release"),
            path(
                "<int:pk>/force-unlock/", view(self.force_unlock_view), name="articles_article_force_unlock"
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/revoke-share/", view(self.revoke_share_view), name="articles_article_revoke_share"
            ),
            path("<int:pk>/history/compare/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<int:pk>/history/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, pk) -> Article:
        article = get_object_or_404(Article.objects.select_related("locked_by"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def transition_view(self, request, pk, name):
        """POST only. A refused move is a 403 (audited by the service); an illegal one a message."""
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        self._move(
            request,
            article,
            name,
            reason=request.POST.get("reason", ""),
            expected=request.POST.get("expected_version"),
            override=request.POST.get("override_withdrawal") == "1",
        )
        return HttpResponseRedirect(self._change_url(article))

    def _move(self, request, article, name, *, reason, expected, override):
        """One workflow move and its message; a refusal (403) is audited by the service."""
        try:
            services.transition(
                article,
                name,
                user=request.user,
                reason=reason.strip(),
                expected_version=int(expected) if expected and expected.isdigit() else None,
                override_withdrawal=override,
            )
        except ValidationError as exc:
            self.message_user(request, _messages(exc), messages.ERROR)
        except services.StaleVersion as exc:
            self.message_user(
                request, str(exc).replace("Your changes were not saved.", "Nothing was done."), messages.ERROR
            )
        else:
            state = _state(article)
            label = STATE_LABELS.get(state) or state.replace("_", " ")
            self.message_user(request, f"“{article.headline}” is now {label.lower()}.", messages.SUCCESS)

    def heartbeat_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        if not ArticlePermissions(request.user, article).can_edit():
            raise PermissionDenied
        kept = services.renew_lock(article, request.user)
        holder = article.locked_by
        return JsonResponse(
            {
                "locked": kept,
                "holder": holder.get_username() if holder else None,
                "since": article.locked_at.isoformat() if article.locked_at else None,
            }
        )

    def release_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        return JsonResponse({"released": services.release_lock(article, request.user)})

    def force_unlock_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        services.force_unlock(article, user=request.user)  # PermissionDenied -> 403, audited
        self.message_user(request, "The lock was removed; you can edit the story now.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article))

    def revoke_share_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        services.revoke_share_links(article, user=request.user)  # PermissionDenied -> 403, audited
        self.message_user(
            request,
            "Every share-preview link to this story has stopped working; the link below is new.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(article))

    def preview_view(self, request, pk):
        return preview.render_preview(request, self._article(request, pk))

    def history_view(self, request, object_id, extra_context=None):
        article = self._article(request, object_id)
        revisions = list(article.revisions.select_related("created_by").order_by("-number"))
        audit_entries = None
        if ArticlePermissions(request.user, article).can_view_audit():
            audit_entries = list(article.audit_entries.select_related("actor").order_by("-created_at")[:50])
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {article.headline}",
            "opts": self.opts,
            "original": article,
            "article": article,
            "revisions": revisions,
            "audit_entries": audit_entries,
            "can_restore": ArticlePermissions(request.user, article).can_edit(),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, pk):
        article = self._article(request, pk)
        numbers = sorted(int(n) for n in (request.GET.get("a", ""), request.GET.get("b", "")) if n.isdigit())
        revisions = {
            r.number: r for r in article.revisions.filter(number__in=numbers).select_related("created_by")
        }
        if len(numbers) != 2 or len(revisions) != 2:
            if len(numbers) == 2 and numbers[0] == numbers[1] and numbers[0] in revisions:
                revisions = {numbers[0]: revisions[numbers[0]]}
            else:
                raise Http404("Choose two revisions of this story.")
        old, new = revisions[numbers[0]], revisions[numbers[-1]]
        diffs = diff_snapshots(old.snapshot, new.snapshot)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to “{article.headline}”",
            "opts": self.opts,
            "original": article,
            "article": article,
            "old": old,
            "new": new,
            "changed": [d for d in diffs if d.changed],
            "unchanged": [d for d in diffs if not d.changed],
            "can_restore": ArticlePermissions(request.user, article).can_edit(),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, pk, number):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        revision = get_object_or_404(Revision, article=article, number=number)
        expected = request.POST.get("expected_version")
        try:
            services.restore_revision(
                article, revision, user=request.user, expected_version=int(expected) if expected else None
            )
        except (services.StaleVersion, services.LockedByOther) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        self.message_user(request, f"Revision {number} restored as a new revision.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article))

    # -- bulk actions --------------------------------------------------------------------------------------

    def _transition(self, request, queryset, name, reason=""):
        done = 0
        for article in queryset:
            try:
                services.transition(article, name, user=request.user, reason=reason)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{article.headline}: {_messages(exc)}", messages.ERROR)
        if done:
            self.message_user(
                request, f"{done} stor{'y' if done == 1 else 'ies'}: {name} done.", messages.SUCCESS
            )

    @admin.action(description="Submit selected stories for review")
    def submit_selected(self, request, queryset):
        self._transition(request, queryset, "submit")

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._transition(request, queryset, "publish")

    @admin.action(
        description="Unpublish selected stories (give the reason in the box)", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        self._transition(request, queryset, "unpublish", reason=request.POST.get("reason", ""))

    def has_publish_permission(self, request):
        return ArticlePermissions(request.user).can_publish()


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# --- images ------------------------------------------------------------------------------------------------


class RenditionInline(admin.TabularInline):
    model = ImageRendition
    extra = 0
    readonly_fields = ["width", "height", "format", "file"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ImageAdminForm(forms.ModelForm):
    file = forms.FileField(help_text="JPEG, PNG, WebP or GIF; renditions are made on save.")

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].required = True
        if self.instance.pk:
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not getattr(self.instance, "file", None) and hasattr(upload, "read"):
            try:
                images.validate_upload(upload)
            except images.ImageRejected as exc:
                raise ValidationError(str(exc), code="invalid_image") from None
        return upload or self.instance.file


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["__str__", "credit", "width", "height", "uploaded_at"]
    search_fields = ["caption", "credit", "alt_text"]
    list_select_related = ["uploaded_by"]
    readonly_fields = ["width", "height", "uploaded_by", "focal_picker"]
    fields = [
        "file",
        "focal_picker",
        "focal_x",
        "focal_y",
        "alt_text",
        "caption",
        "credit",
        "width",
        "height",
        "uploaded_by",
    ]
    inlines = [RenditionInline]

    class Media:
        css = {"all": ["desk/desk.css"]}
        js = ["desk/focal.js"]

    @admin.display(description="Focal point")
    def focal_picker(self, obj):
        if not obj or not obj.pk or not obj.file:
            return "Upload first; then click the picture to set the point that crops must keep."
        return format_html(
            '<div class="desk-focal" data-x="{}" data-y="{}"><img src="{}" alt="" width="480">'
            '<span class="desk-focal__dot"></span></div><p class="help">Click the picture to set the focal point.</p>',
            obj.focal_x,
            obj.focal_y,
            obj.file.url,
        )

    def has_add_permission(self, request):
        return ArticlePermissions(request.user).can_upload_image()

    def has_change_permission(self, request, obj=None):
        return ArticlePermissions(request.user).can_change_image(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.Refused as exc:  # the admin's transaction has rolled back: this row stays
            services.record_refusal(exc)
            raise

    def save_model(self, request, obj, form, change):
        if change and "file" not in form.changed_data:
            images.update_image(obj, user=request.user)
            return
        images.save_image(obj, user=request.user)  # a new file for a stored image: its stories too


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "status", "created_by", "created_at", "reason"]
    list_filter = ["status"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "reason"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "created_at", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A correction is a public record, added through the service and never taken back (as in the
        # story's inline); deleting one would also leave the story page's cached copy showing it.
        return False

    def save_model(self, request, obj, form, change):
        created = services.add_correction(obj.article, kind=obj.kind, text=obj.text, user=request.user)
        obj.pk = created.pk


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Every transition, refusal and lock override. Chief editors only (``articles.view_audit``)."""

    list_display = ["created_at", "action", "article", "actor", "from_status", "to_status", "message"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    search_fields = ["article__headline", "message"]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user).can_view_audit()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
