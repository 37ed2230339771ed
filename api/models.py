"""Personal API tokens: django-rest-knox's token (stored as a SHA-512 digest, never the token
itself) with the name its owner gives it and when it was last used."""

from django.db import models
from knox.models import AbstractAuthToken, AuthTokenManager


class ApiTokenManager(AuthTokenManager):
    def of(self, user):
        """A person's tokens that still work (not expired), newest first."""
        from django.db.models import Q
        from django.utils import timezone

        return (
            self.filter(user=user)
            .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
            .order_by("-created")
        )


class ApiToken(AbstractAuthToken):
    """A personal API token. Knox keeps the digest (the primary key) and the first characters
    (`token_key`, to find it); the token is shown once, when it is made. Revoking deletes the
    row, so it stops at once; a deactivated person's tokens are refused (knox checks)."""

    name = models.CharField(
        max_length=100, help_text="What the token is for, so its owner can tell it apart."
    )
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"
