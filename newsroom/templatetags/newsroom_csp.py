"""``{{ media|with_csp_nonce:request }}``: a form's media with the request's CSP nonce on each tag.

The prose editor's media (django-js-asset) include an inline ``<script type="importmap">``, which the
Content-Security-Policy runs only with the nonce; Django 5.2's admin renders ``{{ media }}`` without one
(templates/admin/change_form.html uses this instead)."""

from django import template
from js_asset import Media

register = template.Library()


@register.filter
def with_csp_nonce(media, request):
    nonce = getattr(request, "csp_nonce", None)
    if not media or nonce is None:
        return media
    return Media.from_media(media, nonce=nonce)
