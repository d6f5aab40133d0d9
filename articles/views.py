"""Public pages. Thin: each reads a named queryset built on ``published()``."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from articles.models import Article, Section, Status, Tag
from editors.models import Editor

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    latest = list(Article.objects.published().for_listing()[:PAGE_SIZE + 1])
    return render(request, "articles/home.html", {"lead": latest[0] if latest else None, "latest": latest[1:]})


def story(request, pk, slug=None):
    article = Article.objects.published().for_story_page().filter(pk=pk).first()
    if article is None:
        if Article.objects.filter(pk=pk, status=Status.KILLED).exists():
            return render(request, "410.html", status=410)
        raise Http404("No such story.")
    if slug != article.slug:
        return redirect(article.get_absolute_url(), permanent=True)
    return render(request, "articles/story.html", {"article": article})


def section(request, slug):
    section = get_object_or_404(Section, slug=slug, is_active=True)
    page = _page(request, Article.objects.published().filter(section=section).for_listing())
    return render(request, "articles/listing.html", {"title": section.name, "page": page, "section": section})


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = _page(request, Article.objects.published().filter(tags=tag).for_listing())
    return render(request, "articles/listing.html", {"title": tag.name, "page": page})


def author(request, slug):
    editor = get_object_or_404(Editor, slug=slug, is_active=True)
    page = _page(request, Article.objects.published().filter(credits__editor=editor).distinct().for_listing())
    return render(request, "articles/listing.html", {"title": editor.display_name, "page": page, "author": editor})
