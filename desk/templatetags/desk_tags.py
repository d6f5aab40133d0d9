"""Template tags of the desk's own screens."""

from django import template
from django.utils import dateformat, timezone

from articles.languages import RTL_LANGUAGES, RTL_SCRIPTS
from editors.people import display_name

register = template.Library()


@register.simple_tag
def text_direction_rule() -> str:
    """The right-to-left rule of articles.languages.text_direction, for the edit form's script (which
    sets dir and lang on the story's fields as its language changes): languages, then scripts."""
    return f"{' '.join(sorted(RTL_LANGUAGES))}|{' '.join(sorted(RTL_SCRIPTS))}"


@register.filter
def person(user) -> str:
    """A colleague by name (editors.people.display_name): "Shilan Aziz", not "shilan"."""
    return display_name(user)


@register.filter
def desk_time(value, seconds: bool = False) -> str:
    """The desk's one date format, in the newsroom's zone and naming it: "8 Dec 2026, 14:05 +03"."""
    if not value:
        return "—"
    local = timezone.localtime(value)
    return dateformat.format(local, "j M Y, H:i:s T" if seconds else "j M Y, H:i T")
