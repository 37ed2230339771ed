"""The five roles of the product. Each is a Django group, created by a data migration."""

from django.db import models


class Role(models.TextChoices):
    """A role, stored as the name of the Django group that grants it."""

    FORUM_MEMBER = "Forum member", "Forum member"
    FORUM_COORDINATOR = "Forum coordinator", "Forum coordinator"
    COUNCIL_OFFICER = "Council officer", "Council officer"
    CABINET_MEMBER = "Cabinet member", "Cabinet member"
    ADMINISTRATOR = "Administrator", "Administrator"


ROLE_DESCRIPTIONS = {
    Role.FORUM_MEMBER: (
        "Reads the whole plan; updates progress on the strategy actions their organisation "
        "is responsible for."
    ),
    Role.FORUM_COORDINATOR: (
        "Reads the whole plan; updates progress on every strategy action; runs monitoring rounds."
    ),
    Role.COUNCIL_OFFICER: (
        "Reads the whole plan; records the council's input on the proposed council actions "
        "of their unit and the units below it."
    ),
    Role.CABINET_MEMBER: "Reads the plan, dashboards and reports; changes nothing.",
    Role.ADMINISTRATOR: "Reads and changes everything, including people and organisations.",
}
