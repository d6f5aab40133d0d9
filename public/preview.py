"""Previews of a story as readers will see it: rendered with the public story template itself.

* ``admin_preview``: for staff, from the change form ("Preview").
* ``shared_preview``: ``/preview/<token>/`` for whoever holds the link, no login; the token is a
  ``TimestampSigner`` signature of the story's id and its ``preview_nonce`` that stops working after
  ``PREVIEW_MAX_AGE`` seconds (410 Gone), is useless when tampered with or revoked (404), and shows
  nothing of a story whose public life is over (``workflow.ENDED``: unpublished, expired or killed,
  as ``Article.desk_state`` calls it now) or that the agency withdrew (410).

Neither is ever cached (``Cache-Control: private, no-store``) nor indexed.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from articles import workflow
from articles.languages import ui_language
from articles.models import Article
from public.caching.fragments import preview_parts

SALT = "articles.preview"


def _signer():
    return signing.TimestampSigner(salt=SALT)


def make_token(article: Article) -> str:
    """Signs the pk with the story's ``preview_nonce``: a new nonce (``services.revoke_share_links``)
    makes every earlier link useless."""
    return _signer().sign(f"{article.pk}.{article.preview_nonce}")


def share_url(article: Article) -> str:
    return reverse("preview", kwargs={"token": make_token(article)})


def render_preview(request, article: Article):
    """The draft through ``articles/story.html``: the same template as the public story page."""
    article = Article.objects.for_story_page().get(pk=article.pk)
    if article.publish_at is None:  # a draft: shown as it would be if published now (never saved)
        article.publish_at = timezone.now()
    # In the site's language, as readers will see it, even from the desk (newsroom/middleware.py).
    with translation.override(settings.LANGUAGE_CODE):
        story, around = preview_parts(article)
        context = {"story": story, "around": around, "is_preview": True}
        # The banner is the story's, like its other labels.
        context["preview_language"] = ui_language(article.language)
        response = render(request, "articles/story.html", context)
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def shared_preview(request, token: str):
    try:
        value = _signer().unsign(token, max_age=settings.PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        response = render(request, "410.html", status=410)
        patch_cache_control(response, private=True, no_store=True)
        return response
    except signing.BadSignature:
        raise Http404("No such preview.") from None
    pk, _, nonce = value.partition(".")
    article = Article.objects.filter(pk=pk, preview_nonce=nonce).first() if pk.isdigit() and nonce else None
    if article is None:
        raise Http404("No such preview.")  # altered, or revoked ("Revoke share links")
    if article.desk_state() in workflow.ENDED or article.withdrawn_reason:
        response = render(request, "410.html", status=410)  # taken down, expired, killed or withdrawn
        patch_cache_control(response, private=True, no_store=True)
        return response
    return render_preview(request, article)
