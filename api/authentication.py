"""Personal API tokens (`Authorization: Token tst_…`), checked by django-rest-knox: the token's
SHA-512 digest compared in constant time with the stored one; expired tokens refused and
deleted; a deactivated person refused. Here: when each token was last used, written at most once
a minute (one UPDATE that matches nothing otherwise) so a busy script does not write each time."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from knox.auth import TokenAuthentication

from .models import ApiToken

LAST_USED_EVERY = timedelta(minutes=1)


class PersonalTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        ApiToken.objects.filter(token_id=token.digest).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        return user, token
