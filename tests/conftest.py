"""Shared fixtures. Tests run against a real PostgreSQL (DATABASE_URL, else the embedded one)."""

import time
from pathlib import Path

import pytest

from tests.factories import ArticleFactory, SectionFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = ROOT.parent / "shared" / "samples" / "wire"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The role groups, whatever the database went through: a transactional test flushes the groups
    the data migration made, and with ``--reuse-db`` the next run would start without them."""
    from editors.roles import sync_roles

    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def section(db):
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def published_article(db, section):
    return ArticleFactory(section=section, published=True)


def role_user(role: str, username: str | None = None):
    """A staff user in one of the newsroom's role groups."""
    from django.contrib.auth.models import Group

    user = UserFactory(username=username or role.lower().replace(" ", "_"), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reporter(db):
    return role_user("Reporter")


@pytest.fixture
def editor_user(db):
    return role_user("Editor")


@pytest.fixture
def wire_editor(db):
    return role_user("Wire editor")


@pytest.fixture
def chief_editor(db):
    return role_user("Chief editor")


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """The public page cache (locmem) lives as long as the process: start every test without it."""
    from django.core.cache import cache

    from public.caching import purging as page_cache

    cache.clear()
    # Every test starts on an empty database, where the page generation is 0. Production re-reads it
    # at most once a second per process (outside any one request's query budget); tests/env.py sets
    # that interval long so that query counts do not depend on how fast the machine is.
    page_cache._seen.update(value=0, at=time.monotonic())
    yield
    cache.clear()
    page_cache.forget_generation()
