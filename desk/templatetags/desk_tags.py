"""Template tags of the desk's own screens."""

from django import template

from articles.languages import RTL_LANGUAGES, RTL_SCRIPTS

register = template.Library()


@register.simple_tag
def text_direction_rule() -> str:
    """The right-to-left rule of articles.languages.text_direction, for the edit form's script (which
    sets dir and lang on the story's fields as its language changes): languages, then scripts."""
    return f"{' '.join(sorted(RTL_LANGUAGES))}|{' '.join(sorted(RTL_SCRIPTS))}"
