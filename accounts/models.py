"""People and the organisations they belong to."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from strategy.models import Cited


class PartnerQuerySet(models.QuerySet):
    def council_units(self):
        return self.filter(kind__in=Partner.COUNCIL_KINDS)

    def active(self):
        return self.filter(is_active=True)

    def unit_and_descendant_ids(self, unit_id: int | None) -> set[int]:
        """The unit and every organisation below it, in one query (the tree is small)."""
        if unit_id is None:
            return set()
        children: dict[int, list[int]] = {}
        for pk, parent_id in self.filter(parent__isnull=False).values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, todo = set(), [unit_id]
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, []))
        return found


class PartnerManager(models.Manager.from_queryset(PartnerQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Partner(Cited):
    """An organisation that takes part in the strategy.

    The council and its directorates, divisions and services (linked to the
    unit above them), Third Sector organisations, the Third Sector Forum, the
    Interim CVS and the Healthwatch consortium.
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        DIRECTORATE = "directorate", "Council directorate"
        DIVISION = "division", "Council division"
        SERVICE = "service", "Council service"
        FORUM = "forum", "Third Sector Forum"
        INFRASTRUCTURE = "infrastructure", "Infrastructure organisation"
        CONSORTIUM = "consortium", "Consortium"
        ORGANISATION = "organisation", "Third Sector organisation"

    COUNCIL_KINDS = (Kind.COUNCIL, Kind.DIRECTORATE, Kind.DIVISION, Kind.SERVICE)

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The unit this one sits within, for council directorates and divisions.",
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "still active", default=True, help_text="Untick when the organisation has closed."
    )

    objects = PartnerManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        # Walk up the parents: an organisation cannot sit within itself.
        seen, unit = {self.pk}, self.parent
        while unit is not None:
            if unit.pk in seen:
                raise ValidationError(
                    {"parent": "An organisation cannot sit within itself or a unit below it."}
                )
            seen.add(unit.pk)
            unit = unit.parent

    @property
    def is_council(self):
        return self.kind in self.COUNCIL_KINDS


class User(AbstractUser):
    """A person who uses the tracker, belonging to one partner organisation."""

    first_name = None
    last_name = None
    full_name = models.CharField(max_length=200)
    email = models.EmailField("email address")
    organisation = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The organisation this person belongs to.",
    )

    REQUIRED_FIELDS = ["email", "full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_unique_email_ignoring_case",
                violation_error_message="Someone already uses this email address.",
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.username


class PasswordResetRequest(models.Model):
    """A request for a password reset link, kept for an hour to limit how many are sent.

    Rows older than the window are deleted as new requests arrive.
    """

    email = models.EmailField(max_length=254, db_index=True, help_text="As typed, in lower case.")
    address = models.CharField(max_length=45, db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Password reset asked for {self.email} at {self.requested_at:%-d %B %Y %H:%M}"
