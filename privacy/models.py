"""What the service keeps of its own data protection work: each erasure, without the details
erased."""

from django.conf import settings
from django.db import models


class Erasure(models.Model):
    """A person erased (UK GDPR article 17): who did it, when, which account (by its number
    only) and how many records of each kind were changed or deleted. Never the erased name,
    username or email address."""

    erased_at = models.DateTimeField(auto_now_add=True, db_index=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The administrator who erased the person.",
    )
    account_id = models.PositiveBigIntegerField(
        "account number", unique=True, help_text="The erased account's number (its id)."
    )
    counts = models.JSONField(
        default=dict, help_text="How many records of each kind were changed or deleted."
    )

    class Meta:
        ordering = ["-erased_at", "-pk"]

    def __str__(self):
        return f"Account {self.account_id} erased on {self.erased_at:%-d %B %Y}"

    @property
    def placeholder(self) -> str:
        return placeholder_for(self.account_id)


def placeholder_for(account_id: int) -> str:
    """The username an erased account is left with: identifies no one."""
    return f"erased-{account_id}"
