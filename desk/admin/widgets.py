"""The desk's widgets: Django admin's own, with the names and markup assistive technology and the HTML
checker ask for.

- Split date/time inputs (``AdminSplitDateTime``) print "Date:" and "Time:" as plain text beside two
  inputs that no label points at: each input gets an ``aria-label`` ("Publish at: date").
- Autocomplete selects (select2) render an empty ``<option value="">`` for "no choice", which HTML
  forbids: it gets a text (select2 never shows it: the option is its placeholder).
- The autocomplete for several values (tags) puts select2's "remove all" control inside its ``<ul>``,
  which a list may not hold: that control is left out (each tag keeps its own remove button).
- The names of the comboboxes select2 draws, and of the body editor, are set by ``static/desk/desk.js``
  from these widgets' labels: both are drawn in the browser.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

EMPTY_CHOICE_TEXT = "None"


class DeskAutocompleteSelect(AutocompleteSelect):
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        if value == "" and label == "":
            label = EMPTY_CHOICE_TEXT
        return super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)


class DeskAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


class DeskAutocompleteMixin:
    """For a ModelAdmin or an inline: its ``autocomplete_fields`` drawn with the widgets above (the
    same choice Django makes, with the desk's classes)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = DeskAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = DeskAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def label_split_datetimes(form: forms.BaseForm) -> None:
    """Name the date and the time input of each split date/time field after the field."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SplitDateTimeWidget):
            date, time = widget.widgets
            date.attrs["aria-label"] = f"{field.label}: date"
            time.attrs["aria-label"] = f"{field.label}: time"


def label_inline_fields(form: forms.BaseForm, noun: str) -> None:
    """A tabular inline's inputs sit under column headings, with no label of their own: name each
    after its column ("Credit: role"). The same text on every row, so that a row added in the browser
    (copied from the empty form) is named too."""
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        # A related-object wrapper renders its inner widget's attrs; its own ``attrs`` is, after the form's
        # deep copy, the *original* inner widget's dict (RelatedFieldWidgetWrapper.__deepcopy__).
        widget = getattr(field.widget, "widget", field.widget)
        widget.attrs.setdefault("aria-label", f"{noun}: {field.label or name}")
