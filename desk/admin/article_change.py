"""The story's change view (``ArticleChangeMixin``): the desk panel (state, lock, moves, share link),
and saving, whole, through ``services.edit_article`` / ``services.create_article``; a workflow button
saves first, then moves."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from articles import services, workflow
from articles.fields import EDITABLE_FIELDS
from articles.models import Article, ArticleCredit, Correction
from articles.permissions import ArticlePermissions
from desk.admin.article_form import credit_inputs
from desk.admin.common import SHAREABLE_STATES, STATE_LABELS, STATUS_COLOURS, state_of
from public import preview


class ArticleChangeMixin:
    """The add and change views of ``ArticleAdmin``."""

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
        state = state_of(article)
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
