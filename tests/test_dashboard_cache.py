"""The cached dashboard is never stale: not across workers, not after a name changes."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from reports import freshness
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.helpers import is_signed_in, sign_in, signed_in

pytestmark = pytest.mark.django_db


def worker(settings, name):
    """Serve the next requests as a worker with its own in-process cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"worker-{name}",
        }
    }


def dashboard(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_worker_with_its_own_cache_shows_a_change_made_through_another(client, settings):
    reader = signed_in(client, UserFactory(role=Role.CABINET_MEMBER))
    worker(settings, "a")
    assert "Agreed the venue" not in dashboard(reader)  # cached in worker a

    worker(settings, "b")
    ProgressUpdateFactory(narrative="Agreed the venue")
    assert "Agreed the venue" in dashboard(reader)

    worker(settings, "a")  # still holding its cached page
    assert "Agreed the venue" in dashboard(reader)


def test_renaming_an_organisation_or_a_person_clears_the_cached_dashboard(client):
    reader = signed_in(client, UserFactory(role=Role.CABINET_MEMBER))
    update = ProgressUpdateFactory()
    before = dashboard(reader)
    assert update.author.full_name in before

    update.author.full_name = "Renamed Person"
    update.author.save()
    update.organisation.name = "Renamed Charity"
    update.organisation.save()

    after = dashboard(reader)
    assert "Renamed Person" in after
    assert "Renamed Charity" in after


def test_signing_in_does_not_clear_the_cached_dashboard(client):
    person = UserFactory(role=Role.CABINET_MEMBER)
    before = freshness.generation()

    sign_in(client, person.username)

    assert is_signed_in(client)
    assert freshness.generation() == before


def test_the_configured_cache_is_the_one_in_use(settings):
    """CI runs the suite once with CACHE_URL=redis://…: then this talks to the real Redis."""
    import os

    from django.core.cache import cache

    url = os.environ.get("CACHE_URL", "")
    backend = settings.CACHES["default"]["BACKEND"]
    if url.startswith("redis"):
        assert backend == "django_redis.cache.RedisCache"
        assert cache.client.get_client().ping() is True
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
    cache.set("round-trip", {"figures": [1, 2]}, timeout=30)
    assert cache.get("round-trip") == {"figures": [1, 2]}
