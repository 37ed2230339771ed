"""Password reset links are limited per account and per address, with the same answer either way."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import PasswordResetRequest
from accounts.services import RESETS_PER_ADDRESS, RESETS_PER_EMAIL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SENT = "If an account uses that address, we have sent it a link"


def ask(client, email, address="198.51.100.7"):
    response = client.post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_twelve_requests_for_one_account_send_three_emails(client):
    person = UserFactory(email="jo@example.org")

    pages = [ask(client, "Jo@Example.org") for _ in range(12)]

    assert len(mail.outbox) == RESETS_PER_EMAIL == 3
    assert all(m.to == [person.email] for m in mail.outbox)
    assert all(SENT in page for page in pages)  # the same answer, sent or not


def test_one_address_asking_for_many_accounts_is_limited(client):
    for n in range(RESETS_PER_ADDRESS + 5):
        UserFactory(email=f"person{n}@example.org")
        ask(client, f"person{n}@example.org", address="203.0.113.50")

    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_another_address_and_account_are_not_held_back(client):
    UserFactory(email="a@example.org")
    UserFactory(email="b@example.org")
    for _ in range(5):
        ask(client, "a@example.org", address="203.0.113.1")

    ask(client, "b@example.org", address="203.0.113.2")

    assert [m.to for m in mail.outbox][-1] == ["b@example.org"]


def test_requests_older_than_an_hour_are_forgotten(client):
    import datetime

    from django.utils import timezone

    UserFactory(email="jo@example.org")
    for _ in range(3):
        ask(client, "jo@example.org")
    PasswordResetRequest.objects.update(requested_at=timezone.now() - datetime.timedelta(hours=2))

    ask(client, "jo@example.org")

    assert len(mail.outbox) == 4
    assert PasswordResetRequest.objects.count() == 1  # the old ones were deleted


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_requests_at_once_still_sends_three(settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from accounts.services import allow_password_reset

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite lets one in at a time)")

    def ask(_):
        try:
            return allow_password_reset(email="jo@example.org", address="198.51.100.7")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(ask, range(16)))

    assert allowed.count(True) == RESETS_PER_EMAIL
