"""The story list: its filters, the bulk actions' form, and the list's columns, paging and bulk actions
(``ArticleListMixin``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from articles import services, workflow
from articles.permissions import ArticlePermissions
from desk.admin.article_form import ArticleCreditInline
from desk.admin.common import STATE_LABELS, STATUS_COLOURS, error_text, state_of
from desk.admin.paginators import DeskChangeList


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


class ArticleListMixin:
    """The change list of ``ArticleAdmin``: columns, paging, the queryset, bulk workflow actions."""

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
        state = state_of(obj)
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

    def _transition(self, request, queryset, name, reason=""):
        done = 0
        for article in queryset:
            try:
                services.transition(article, name, user=request.user, reason=reason)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{article.headline}: {error_text(exc)}", messages.ERROR)
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
