"""Personal API tokens: django-rest-knox's token (stored as a SHA-512 digest, never the token
itself), with the name its owner gives it and when it was last used.

Knox's own AuthToken model is used as it is, not swapped: its migrations create their table
whatever the setting says, so a swapped-out table would linger, referencing people, and stop
the database being flushed (PostgreSQL). The name and last use live beside it, one to one."""

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user):
        """A person's tokens that still work (not expired), newest first."""
        return (
            self.filter(token__user=user)
            .filter(Q(token__expiry__isnull=True) | Q(token__expiry__gt=timezone.now()))
            .select_related("token")
            .order_by("-token__created")
        )

    @transaction.atomic
    def make(self, *, user, name: str) -> tuple["ApiToken", str]:
        """A new token for `user`; returns it and the token itself, which is kept nowhere."""
        token, secret = AuthToken.objects.create(user=user)
        return self.create(token=token, name=name), secret


class ApiToken(models.Model):
    """A personal API token. Knox keeps the digest (its primary key) and the first characters
    (`token_key`, to find it); the token is shown once, when it is made. Revoking deletes knox's
    row (and this one with it), so it stops at once; a deactivated person's tokens are refused
    (knox checks)."""

    token = models.OneToOneField(
        AuthToken, on_delete=models.CASCADE, primary_key=True, related_name="details"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, so its owner can tell it apart."
    )
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"

    # What knox keeps, read through this record.
    @property
    def digest(self) -> str:
        return self.token_id

    @property
    def token_key(self) -> str:
        return self.token.token_key

    @property
    def user(self):
        return self.token.user

    @property
    def created(self):
        return self.token.created

    @property
    def expiry(self):
        return self.token.expiry

    def revoke(self) -> None:
        self.token.delete()  # this record goes with it (cascade)
