"""Images: upload (a hostile file refused), words and focal point, renditions; changes through
``articles.images`` (which asks the permission policy)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from articles import images, services
from articles.models import Image, ImageRendition
from articles.permissions import ArticlePermissions


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
