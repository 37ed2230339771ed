"""A strict Content-Security-Policy everywhere; signed-in pages and exports kept out of caches;
the client's address read from trusted proxies only."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.addresses import client_address

pytestmark = pytest.mark.django_db


def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    "url",
    ["/plan/", "/dashboard/", "/reports/cabinet/", "/dashboard/changes/", "/rounds/", "/"],
)
def test_no_page_carries_inline_script_or_style(report, user_client, url):
    response = user_client.get(url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()

    assert "<script>" not in page  # every script has a src
    assert '<script type="module">' not in page
    assert " style=" not in page
    assert "<style" not in page


@pytest.mark.parametrize("name", ["plan", "dashboard", "export_csv", "export_xlsx"])
def test_signed_in_pages_and_exports_are_private_and_not_stored(user_client, name):
    response = user_client.get(reverse(name))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_public_pages_are_not_marked_private(client):
    response = client.get(reverse("accessibility"))
    assert "private" not in response.get("Cache-Control", "")


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    assert client_address(request_from("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    # A client's own forged entry on the left is not believed: the proxy appended the truth.
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    # Through two of our proxies.
    assert client_address(request_from("10.0.0.2", "198.51.100.7, 10.0.0.3")) == "198.51.100.7"


def test_a_client_sending_the_header_directly_is_not_believed(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_garbled_header_counts_against_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_behind_the_proxy_one_persons_mistakes_do_not_lock_out_another(client, settings):
    from accounts.roles import Role
    from tests.factories import UserFactory
    from tests.helpers import is_signed_in

    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    person = UserFactory(role=Role.FORUM_MEMBER)
    # An attacker behind the same proxy fails five times against this person's name …
    for _ in range(6):
        client.post(
            reverse("login"),
            {"username": person.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    # … and the person, from their own address through the same proxy, still signs in.
    client.post(
        reverse("login"),
        {"username": person.username, "password": "a-test-password"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert is_signed_in(client)
