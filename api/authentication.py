"""Personal API tokens (`Authorization: Token tst_…`), checked by django-rest-knox: the token's
SHA-512 digest compared in constant time with the stored one; expired tokens refused and
deleted; a deactivated person refused. Here: when each token was last used, written at most once
a minute so that a busy script does not write on every request."""

from datetime import timedelta

from django.utils import timezone
from knox.auth import TokenAuthentication

from .models import ApiToken

LAST_USED_EVERY = timedelta(minutes=1)


class PersonalTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
