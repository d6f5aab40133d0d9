"""The story's change form: the form itself (stale-save diff, lock and publish-time checks) and its
inlines (credits, corrections)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField

from articles import services, workflow
from articles.diff import diff_snapshots
from articles.models import Article, ArticleCredit, Correction
from articles.permissions import ArticlePermissions
from desk.admin.widgets import DeskAutocompleteMixin, label_inline_fields, label_split_datetimes
from editors.people import display_name

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


# inlines ---------------------------------------------------------------------------------------------


class TabularBoundField(BoundField):
    """A field in a tabular inline's row. Its help text is shown once, in the column heading (Django's
    tabular template), so the row's input must not point ``aria-describedby`` at a ``_helptext``
    element that no row has; it still points at its errors."""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        return f"{self.auto_id}_error" if self.auto_id and not self.is_hidden and self.errors else ""


class TabularInlineForm(forms.ModelForm):
    bound_field_class = TabularBoundField


class LabelledInlineFormSet(BaseInlineFormSet):
    """Each row's inputs named after their column ("Credit: role"), the delete box too (added here)."""

    noun = ""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_inline_fields(form, self.noun or str(self.model._meta.verbose_name).capitalize())


class CreditFormSet(LabelledInlineFormSet):
    noun = "Credit"


class CorrectionFormSet(LabelledInlineFormSet):
    noun = "Correction"


class ArticleCreditInline(DeskAutocompleteMixin, admin.TabularInline):
    model = ArticleCredit
    form = TabularInlineForm
    formset = CreditFormSet
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
    form = TabularInlineForm
    formset = CorrectionFormSet
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


class ArticleAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = ProseEditorFormField(extensions=BODY_EXTENSIONS, required=False)

    class Meta:
        model = Article
        exclude = ["locked_by", "locked_at"]  # the lock is taken by opening the form, never edited

    def __init__(self, *args, **kwargs):
        self.request_user = kwargs.pop("request_user", None)
        super().__init__(*args, **kwargs)
        label_split_datetimes(self)
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
                    "who": display_name(holder),
                    "since": timezone.localtime(current.locked_at).strftime("%H:%M %Z"),
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
                "by": display_name(current.modified_by)
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
