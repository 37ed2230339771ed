"""Writes about people: inviting them, giving them a role, demo accounts."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Partner, PasswordResetRequest, User
from .roles import Role


def validate_role_organisation(*, role: str, organisation: Partner | None) -> None:
    """A Forum member belongs to a partner outside the council; an officer to a council unit."""
    if role == Role.FORUM_MEMBER and (organisation is None or organisation.is_council):
        raise ValidationError(
            {"organisation": "Choose the Third Sector organisation this person belongs to."}
        )
    if role == Role.COUNCIL_OFFICER and (organisation is None or not organisation.is_council):
        raise ValidationError(
            {"organisation": "Choose the council directorate or division this officer works in."}
        )


def set_role(*, user: User, role: str) -> None:
    """Give the person exactly one role (replacing any other)."""
    # get_or_create: the migration makes the groups, but a role must survive a deleted group.
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    user._role_cache = None


def unique_username(email: str) -> str:
    base = re.sub(r"[^\w.+-]", "", email.split("@")[0].lower()) or "user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def invitation_link(*, user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def send_invitation(*, user: User, base_url: str) -> None:
    context = {
        "user": user,
        "link": invitation_link(user=user, base_url=base_url),
        "service_name": settings.SERVICE_NAME,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        subject=f"You have been invited to the {settings.SERVICE_NAME}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def invite_user(*, user: User, role: str, base_url: str) -> User:
    """Create an account with no password and email the person a link to set their own.

    `user` is an unsaved User with full name, email and organisation (and a
    username, or one is made from the email address).
    """
    validate_role_organisation(role=role, organisation=user.organisation)
    if not user.username:
        user.username = unique_username(user.email)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    set_role(user=user, role=role)
    # Send once the account is committed; a failed send leaves it for a password reset.
    transaction.on_commit(lambda: send_invitation(user=user, base_url=base_url))
    return user


# Password reset links: at most this many an hour for one email address, and from one
# client address (someone trying many accounts).
RESETS_PER_EMAIL = 3
RESETS_PER_ADDRESS = 10
RESET_WINDOW = datetime.timedelta(hours=1)


@transaction.atomic
def allow_password_reset(*, email: str, address: str) -> bool:
    """Record a request for a reset link; False when the email or the address has had its
    share this hour. The person is told the same either way, so nothing is revealed."""
    now = timezone.now()
    email = email.strip().lower()
    # Requests for the same email or from the same address take turns, so a burst of them
    # cannot all count the same few rows before any is written.
    _take_turns(f"password-reset:email:{email}")
    _take_turns(f"password-reset:address:{address}")
    PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
    recent = PasswordResetRequest.objects
    if (
        recent.filter(email=email).count() >= RESETS_PER_EMAIL
        or recent.filter(address=address).count() >= RESETS_PER_ADDRESS
    ):
        return False
    PasswordResetRequest.objects.create(email=email, address=address[:45])
    return True


def _take_turns(key: str) -> None:
    """Wait for any other transaction holding `key`, and hold it until this one ends.

    A PostgreSQL advisory lock: no row need exist to lock. SQLite lets one writer in at a
    time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
